package org.ddpm4j.tensor.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.simd.SimdBackend;
import org.junit.jupiter.api.Test;

/**
 * The op check that {@code ddpm check} runs: it covers every op of the Backend interface, passes the SIMD and
 * OpenCL backends, and catches a backend that is wrong in one output.
 */
class BackendCheckTest {
    /** Backend methods that are not ops: identity, threads, lifecycle. */
    private static final Set<String> NOT_OPS = Set.of("name", "threads", "shutdown", "finish", "describe");

    @Test
    void everyOpOfTheBackendInterfaceIsChecked() {
        Set<String> called = new TreeSet<>();
        Backend recording = wrap(new ScalarBackend(), (method, args) -> called.add(method.getName()));
        List<OpComparison> results = new BackendCheck(1).compare(recording, r -> { });
        Set<String> ops = Arrays.stream(Backend.class.getMethods()).map(Method::getName)
                .filter(n -> !NOT_OPS.contains(n)).collect(Collectors.toCollection(TreeSet::new));
        ops.removeAll(called);
        assertEquals(Set.of(), ops, "ops the check never calls");
        assertTrue(results.stream().allMatch(OpComparison::passed), "the reference against itself");
    }

    @Test
    void theSimdBackendPassesEveryCase() {
        SimdBackend simd = new SimdBackend(2);
        try {
            assertAllPass(new BackendCheck(3).compare(simd, r -> { }));
        } finally {
            simd.shutdown();
        }
    }

    @Test
    void theOpenClBackendPassesEveryCase() {
        OpenClBackend openCl = OpenClTestDevice.backendOrSkip();
        try {
            assertAllPass(new BackendCheck(3).compare(openCl, r -> { }));
        } finally {
            openCl.shutdown();
        }
    }

    @Test
    void aWeightGradientOffByATenthIsCaughtAndNothingElse() {
        Backend broken = wrap(new ScalarBackend(), (method, args) -> {
            if (method.getName().equals("conv2dBackward")) {
                Tensor dw = (Tensor) args[5];
                dw.set(dw.size() / 2, dw.get(dw.size() / 2) + 0.1f);
            }
        });
        List<OpComparison> results = new BackendCheck(5).compare(broken, r -> { });
        List<OpComparison> failed = results.stream().filter(r -> !r.passed()).toList();
        assertFalse(failed.isEmpty());
        for (OpComparison r : failed) {
            assertTrue(r.op().startsWith("conv2d") && r.output().startsWith("dw"), r.op() + " " + r.output());
            assertEquals(1, r.outOfTolerance(), r.op() + " " + r.output());
        }
        long convCases = results.stream().map(OpComparison::op).filter(op -> op.startsWith("conv2d")).distinct().count();
        assertEquals(2 * convCases, failed.size(), "dw and dw (weight only) of every conv case");
    }

    @Test
    void aBackwardThatOverwritesInsteadOfAccumulatingIsCaught() {
        Backend broken = wrap(new ScalarBackend(), (method, args) -> {
            if (method.getName().equals("siluBackward")) {
                // Recompute dx = dy·σ'(x) alone: what a kernel writing instead of adding would leave.
                Tensor x = (Tensor) args[0], dy = (Tensor) args[1], dx = (Tensor) args[2];
                new ScalarBackend().siluBackward(x, dy, dx.zero());
            }
        });
        List<OpComparison> failed = new BackendCheck(5).compare(broken, r -> { }).stream()
                .filter(r -> !r.passed()).toList();
        assertEquals(1, failed.size());
        assertEquals("dx", failed.get(0).output());
        assertTrue(failed.get(0).op().startsWith("silu"));
    }

    @Test
    void aNaNFailsTheOutputWithAnInfiniteError() {
        Backend broken = wrap(new ScalarBackend(), (method, args) -> {
            if (method.getName().equals("softmax")) {
                ((Tensor) args[1]).set(0, Float.NaN);
            }
        });
        OpComparison softmax = new BackendCheck(5).compare(broken, r -> { }).stream()
                .filter(r -> r.op().startsWith("softmax") && r.output().equals("y")).findFirst().orElseThrow();
        assertFalse(softmax.passed());
        assertEquals(Double.POSITIVE_INFINITY, softmax.worstAbsError());
    }

    private static void assertAllPass(List<OpComparison> results) {
        List<String> failed = results.stream().filter(r -> !r.passed())
                .map(r -> r.op() + " " + r.output() + ": worst error " + r.worstAbsError() + " ("
                        + r.worstFraction() + " of the tolerance)").toList();
        assertEquals(List.of(), failed);
        assertTrue(results.size() > 50, "outputs compared: " + results.size());
    }

    private interface AfterCall {
        void after(Method method, Object[] args);
    }

    /**
     * {@code target} behind a proxy that runs {@code after} once each op has returned. Calls go to the target's own
     * implementation, so the ops it calls inside another (a default method's) are neither seen nor changed.
     */
    private static Backend wrap(Backend target, AfterCall after) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(target, args);
                        after.after(method, args);
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}

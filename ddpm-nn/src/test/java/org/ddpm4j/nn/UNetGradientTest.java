package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.OpenClTestDevice;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.ddpm4j.tensor.opencl.OpenClBackend;
import org.ddpm4j.tensor.opencl.Transfers;
import org.junit.jupiter.api.Test;

/**
 * The U-Net's written-out backward against finite differences, and whole forward/backward passes (and a training
 * step) of the SIMD and OpenCL backends against the scalar reference.
 */
class UNetGradientTest {
    private static final int[] T = {17, 503};
    private static final int[] LABELS = {2, 0};

    /** L = Σ r·UNet(x) in double, with dropout active under a fixed seed (so every evaluation draws the same mask). */
    private static double loss(UNet net, Tensor x, Tensor r) {
        Tensor y = net.forward(x, T, LABELS, ForwardContext.training(7L));
        double s = 0;
        for (int i = 0; i < y.size(); i++) {
            s += (double) y.get(i) * r.get(i);
        }
        return s;
    }

    @Test
    void backwardMatchesFiniteDifferencesForParametersFromEveryPart() {
        Backend be = new ScalarBackend();
        UNet net = TinyModels.tinyUNet(be, 3, 11);
        Tensor x = TinyModels.normal(1, 2, 1, 8, 8), r = TinyModels.normal(2, 2, 1, 8, 8);
        net.zeroGrad();
        net.forward(x, T, LABELS, ForwardContext.training(7L));
        net.backward(r);
        List<String> probes = List.of("head.weight", "temb.0.weight", "class_emb.weight", "down.0.conv1.weight",
                "down.0.temb_proj.weight", "down.0.norm2.weight", "down.1.conv.weight", "down.2.skip.weight",
                "down.3.attn.qkv.weight", "mid.1.attn.proj.weight", "mid.2.conv2.bias", "up.0.conv1.weight",
                "up.0.skip.weight", "up.4.conv.weight", "up.6.conv2.weight", "tail.0.weight", "tail.2.weight");
        int checked = 0;
        for (Parameter p : net.parameters()) {
            if (!probes.contains(p.name())) {
                continue;
            }
            float[] w = p.value().toArray();
            for (int k = 0; k < 3; k++) {
                int i = (int) ((long) (k * 7919 + 13) % w.length);
                float saved = w[i];
                p.value().set(i, (float) (saved + NnTolerances.FD_STEP));
                double plus = loss(net, x, r);
                p.value().set(i, (float) (saved - NnTolerances.FD_STEP));
                double minus = loss(net, x, r);
                p.value().set(i, saved);
                double fd = (plus - minus) / (2 * NnTolerances.FD_STEP);
                double analytic = p.grad().get(i);
                assertTrue(NnTolerances.close(fd, analytic, NnTolerances.GRADIENT_ABS, NnTolerances.GRADIENT_REL),
                        p.name() + "[" + i + "]: backward " + analytic + ", finite difference " + fd);
                checked++;
            }
        }
        assertEquals(probes.size() * 3, checked, "every probed parameter exists in the tiny U-Net");
    }

    @Test
    void simdMatchesScalarForAFullForwardAndBackward() {
        Backend scalar = new ScalarBackend(), simd = Backends.create("simd", 3);
        assertEquals("simd", simd.name(), "the Vector API must be available to this test JVM");
        UNet a = TinyModels.tinyUNet(scalar, 3, 5), b = TinyModels.tinyUNet(simd, 3, 5);
        Tensor x = TinyModels.normal(3, 2, 1, 8, 8), r = TinyModels.normal(4, 2, 1, 8, 8);
        Tensor ya = a.forward(x, T, LABELS, ForwardContext.training(9L)).copy();
        Tensor yb = b.forward(x, T, LABELS, ForwardContext.training(9L)).copy();
        assertClose(ya, yb, "output");
        a.zeroGrad();
        b.zeroGrad();
        a.backward(r);
        b.backward(r);
        List<Parameter> pa = a.parameters(), pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) {
            assertClose(pa.get(i).grad(), pb.get(i).grad(), pa.get(i).name() + ".grad");
        }
        simd.shutdown();
    }

    /**
     * One training step as the trainer takes it (forward with dropout, MSE to a target, backward, Adam) on the OpenCL
     * device and on the scalar reference: same output, loss and gradients, and an Adam update of −lr·sign(g) on the
     * device (the first step's m̂/√v̂ is ±1 wherever |g| ≫ ε).
     */
    @Test
    void openClMatchesScalarForATrainingStep() {
        OpenClBackend openCl = OpenClTestDevice.backendOrSkip();
        try {
            Backend scalar = new ScalarBackend();
            UNet a = TinyModels.tinyUNet(scalar, 3, 5), b = TinyModels.tinyUNet(openCl, 3, 5);
            Tensor x = TinyModels.normal(3, 2, 1, 8, 8), target = TinyModels.normal(4, 2, 1, 8, 8);
            double lr = 1e-2;
            Tensor ya = trainingStep(a, scalar, new Adam(scalar, a.parameters(), lr, 0.9, 0.999, 1e-8, 0), x, target);
            List<Tensor> before = b.parameters().stream().map(p -> p.value().copy()).toList();
            Transfers start = openCl.transfers();
            Tensor yb = trainingStep(b, openCl, new Adam(openCl, b.parameters(), lr, 0.9, 0.999, 1e-8, 0), x, target);
            Transfers step = openCl.transfers().since(start);
            assertClose(ya, yb, "output");
            List<Parameter> pa = a.parameters(), pb = b.parameters();
            long parameterBytes = 0;
            int checkedUpdates = 0;
            for (int i = 0; i < pa.size(); i++) {
                assertClose(pa.get(i).grad(), pb.get(i).grad(), pa.get(i).name() + ".grad");
                float[] g = pb.get(i).grad().toArray(), w = pb.get(i).value().toArray(), w0 = before.get(i).toArray();
                for (int j = 0; j < g.length; j++) {
                    if (Math.abs(g[j]) > 1e-4) {
                        double expected = -lr * Math.signum(g[j]);
                        assertTrue(Math.abs((w[j] - w0[j]) - expected) <= NnTolerances.FIRST_ADAM_STEP_REL * lr
                                + Math.ulp(w0[j]), pb.get(i).name() + "[" + j + "] moved " + (w[j] - w0[j]));
                        checkedUpdates++;
                    }
                }
                parameterBytes += 4L * g.length;
            }
            assertTrue(checkedUpdates > 1000, "only " + checkedUpdates + " parameters had a gradient to check");
            assertTrue(step.bytesToDevice() >= parameterBytes && step.bytesToDevice() < 2 * parameterBytes,
                    "the weights go up once; gradients and Adam's moments start as zeros cleared on the device: "
                            + step + " for " + parameterBytes + " bytes of weights");
        } finally {
            openCl.shutdown();
        }
    }

    private static Tensor trainingStep(UNet net, Backend be, Adam adam, Tensor x, Tensor target) {
        net.zeroGrad();
        Tensor y = net.forward(x, T, LABELS, ForwardContext.training(9L)).copy();
        Tensor grad = y.zerosLike();
        be.mseLossBackward(y, target, 1f, grad);
        net.backward(grad);
        adam.step();
        return y;
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i), v = actual.get(i);
            assertTrue(NnTolerances.close(e, v, NnTolerances.KERNELS_VS_SCALAR_ABS, NnTolerances.KERNELS_VS_SCALAR_REL),
                    what + "[" + i + "]: scalar " + e + ", optimised backend " + v);
        }
    }
}

package org.ddpm4j.bench.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The per-op timing wrapper: ops run on the target unchanged, are counted by name and shapes, and fail as before. */
class OpTimesTest {
    private final ScalarBackend target = new ScalarBackend();
    private final OpTimes times = new OpTimes();
    private final Backend timed = OpTimes.timing(target, times);

    private static Tensor ramp(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 7) * 0.25f - 0.5f;
        }
        return Tensor.of(v, shape);
    }

    private Map<String, Long> calls() {
        return times.entries().stream().collect(Collectors.toMap(OpTimes.Entry::op, OpTimes.Entry::calls));
    }

    @Test
    void opsRunOnTheTargetAndAreChargedByNameAndShapes() {
        Tensor x = ramp(1, 2, 4, 4), w = ramp(3, 2, 3, 3), direct = Tensor.zeros(1, 3, 4, 4);
        Tensor viaTimed = direct.zerosLike(), halved = Tensor.zeros(1, 3, 2, 2), sum = direct.zerosLike();
        target.conv2d(x, w, null, Conv2dSpec.same3x3(), direct);
        timed.conv2d(x, w, null, Conv2dSpec.same3x3(), viaTimed);
        timed.conv2d(x, w, null, Conv2dSpec.same3x3(), viaTimed);
        timed.conv2d(x, w, null, Conv2dSpec.downsample3x3(), halved);
        timed.add(viaTimed, direct, sum);
        assertArrayEquals(direct.toArray(), viaTimed.toArray());
        assertEquals(Map.of("conv2d [1,2,4,4] [3,2,3,3]", 2L, "conv2d [1,2,4,4] [3,2,3,3] stride 2", 1L,
                "add [1,3,4,4] [1,3,4,4]", 1L), calls());
        long charged = times.entries().stream().mapToLong(OpTimes.Entry::nanos).sum();
        assertEquals(charged, times.totalNanos());
        Map<String, Long> byName = times.byName().stream()
                .collect(Collectors.toMap(OpTimes.Entry::op, OpTimes.Entry::calls));
        assertEquals(Map.of("conv2d", 3L, "add", 1L), byName);
        assertEquals(charged, times.byName().stream().mapToLong(OpTimes.Entry::nanos).sum());
    }

    @Test
    void nothingIsChargedWhileNotRecordingNorForWhatIsNotAnOp() {
        Tensor a = ramp(8), out = a.zerosLike();
        times.recording(false);
        timed.add(a, a, out);
        times.recording(true);
        timed.threads();
        timed.describe();
        timed.finish();
        assertEquals(List.of(), times.entries());
        timed.scale(a, 2f, out);
        assertEquals(Map.of("scale [8] [8]", 1L), calls());
    }

    @Test
    void badInputFailsWithTheTargetsOwnException() {
        Tensor a = ramp(8), b = ramp(9);
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
                () -> target.add(a, b, a.zerosLike()));
        IllegalArgumentException viaTimed = assertThrows(IllegalArgumentException.class,
                () -> timed.add(a, b, a.zerosLike()));
        assertEquals(direct.getMessage(), viaTimed.getMessage());
        assertTrue(times.entries().isEmpty(), "a failed op is not charged: " + times.entries());
    }

    @Test
    void withAMarkerEveryRecordedCallIsLoggedInOrderWithItsReadings() {
        long[] readings = {0};
        OpTimes logged = new OpTimes(() -> readings[0]++);
        Backend wrapped = OpTimes.timing(target, logged);
        Tensor a = ramp(8), out = a.zerosLike();
        logged.recording(false);
        wrapped.add(a, a, out);
        assertTrue(logged.calls().isEmpty(), "nothing while not recording");
        logged.recording(true);
        wrapped.add(a, a, out);
        wrapped.mul(a, a, out);
        assertEquals(List.of("add [8] [8]", "mul [8] [8]"), logged.calls().stream().map(OpTimes.Call::op).toList());
        assertEquals(0, logged.calls().get(0).before());
        assertEquals(1, logged.calls().get(0).after());
        assertEquals(2, logged.calls().get(1).before());
        assertTrue(logged.calls().stream().allMatch(c -> c.nanos() >= 0));
        assertTrue(times.calls().isEmpty(), "no log without a marker");
    }
}

package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenoiserEnsembleTest {
    private static final MlpDenoiser.Config CONFIG = new MlpDenoiser.Config(2, 8, 2, 8, 0, true);
    /** Float sums of three terms of order 1. */
    private static final double SUM_TOLERANCE = 1e-6;
    private static final ScalarBackend BE = new ScalarBackend();

    @TempDir
    Path dir;

    private static List<MlpDenoiser> members(int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> new MlpDenoiser(CONFIG, BE, new SplittableRandom(10 + i))).toList();
    }

    @Test
    void outputIsTheMeanOfTheMembersOutputs() {
        List<MlpDenoiser> members = members(3);
        Tensor x = TinyModels.normal(1, 4, 2);
        int[] t = {0, 3, 7, 9};
        Tensor mean = new DenoiserEnsemble(members).forward(x, t, null, ForwardContext.inference());
        assertEquals(4, mean.dim(1), "the learned-variance channels are averaged too");
        for (int i = 0; i < mean.size(); i++) {
            double expected = 0;
            for (MlpDenoiser m : members) {
                expected += m.forward(x, t, null, ForwardContext.inference()).get(i) / 3.0;
            }
            assertEquals(expected, mean.get(i), SUM_TOLERANCE, "value " + i);
        }
    }

    /** The gradient of the mean: every member gets a third of what it would get alone. */
    @Test
    void backwardGivesEachMemberItsShareOfTheGradient() {
        List<MlpDenoiser> members = members(3), alone = members(3);
        Tensor x = TinyModels.normal(2, 4, 2), g = TinyModels.normal(3, 4, 4);
        int[] t = {1, 2, 5, 8};
        DenoiserEnsemble ensemble = new DenoiserEnsemble(members);
        ensemble.zeroGrad();
        ensemble.forward(x, t, null, ForwardContext.inference());
        ensemble.backward(g);
        assertEquals(3 * members.get(0).parameters().size(), ensemble.parameters().size());
        for (int m = 0; m < 3; m++) {
            MlpDenoiser single = alone.get(m);
            single.zeroGrad();
            single.forward(x, t, null, ForwardContext.inference());
            single.backward(g);
            for (int p = 0; p < single.parameters().size(); p++) {
                float[] want = single.parameters().get(p).grad().toArray();
                float[] got = members.get(m).parameters().get(p).grad().toArray();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i] / 3.0, got[i], SUM_TOLERANCE + 1e-6 * Math.abs(want[i]),
                            "member " + m + ", " + single.parameters().get(p).name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void membersThatDoNotFitAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DenoiserEnsemble(List.of()));
        MlpDenoiser conditional = new MlpDenoiser(new MlpDenoiser.Config(2, 8, 2, 8, 3), BE,
                new SplittableRandom(1));
        var classes = assertThrows(IllegalArgumentException.class,
                () -> new DenoiserEnsemble(List.of(members(1).get(0), conditional)));
        assertTrue(classes.getMessage().contains("member 1 has 3 classes"), classes.getMessage());
        MlpDenoiser elsewhere = new MlpDenoiser(CONFIG, new ScalarBackend(), new SplittableRandom(3));
        var backend = assertThrows(IllegalArgumentException.class,
                () -> new DenoiserEnsemble(List.of(members(1).get(0), elsewhere)));
        assertTrue(backend.getMessage().contains("member 1 is on backend"), backend.getMessage());
        MlpDenoiser fixedVariance = new MlpDenoiser(CONFIG.withLearnedVariance(false), BE,
                new SplittableRandom(2));
        DenoiserEnsemble mixed = new DenoiserEnsemble(List.of(members(1).get(0), fixedVariance));
        var shape = assertThrows(IllegalArgumentException.class,
                () -> mixed.forward(TinyModels.normal(4, 2, 2), new int[] {0, 1}, null, ForwardContext.inference()));
        assertTrue(shape.getMessage().contains("member 1 output [2, 2]"), shape.getMessage());
    }

    /** Its members share parameter names: a checkpoint of the whole would keep one member, so it is refused. */
    @Test
    void aCheckpointRefusesTwoParametersOfTheSameName() {
        DenoiserEnsemble ensemble = new DenoiserEnsemble(members(2));
        Path file = dir.resolve("ensemble.safetensors");
        var e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(file, ensemble, CONFIG, null, null, 0, Map.of()));
        assertTrue(e.getMessage().contains("two parameters are named 'net.0.weight'"), e.getMessage());
        assertTrue(!file.toFile().exists(), "nothing is written");
    }
}

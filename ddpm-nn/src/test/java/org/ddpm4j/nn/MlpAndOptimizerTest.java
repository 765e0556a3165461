package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.nn.optim.Ema;
import org.ddpm4j.nn.optim.GradientClipping;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MlpAndOptimizerTest {

    @Test
    void mlpBackwardMatchesFiniteDifferencesIncludingTheClassEmbedding() {
        ScalarBackend be = new ScalarBackend();
        MlpDenoiser net = new MlpDenoiser(new MlpDenoiser.Config(2, 16, 2, 8, 3), be, new SplittableRandom(4));
        Tensor x = TinyModels.normal(1, 5, 2), r = TinyModels.normal(2, 5, 2);
        int[] t = {0, 10, 100, 500, 999};
        int[] labels = {0, 1, 2, 3, 1};
        net.zeroGrad();
        net.forward(x, t, labels, ForwardContext.inference());
        net.backward(r);
        for (Parameter p : net.parameters()) {
            float[] w = p.value().toArray();
            for (int k = 0; k < 4; k++) {
                int i = (k * 37 + 5) % w.length;
                float saved = w[i];
                p.value().set(i, (float) (saved + NnTolerances.FD_STEP));
                double plus = dot(net.forward(x, t, labels, ForwardContext.inference()), r);
                p.value().set(i, (float) (saved - NnTolerances.FD_STEP));
                double minus = dot(net.forward(x, t, labels, ForwardContext.inference()), r);
                p.value().set(i, saved);
                double fd = (plus - minus) / (2 * NnTolerances.FD_STEP);
                assertTrue(NnTolerances.close(fd, p.grad().get(i), NnTolerances.GRADIENT_ABS, NnTolerances.GRADIENT_REL),
                        p.name() + "[" + i + "]: backward " + p.grad().get(i) + ", finite difference " + fd);
            }
        }
    }

    @Test
    void aCopyOnAnotherBackendHasTheSameWeightsAndOutputs() {
        MlpDenoiser net = new MlpDenoiser(new MlpDenoiser.Config(2, 16, 2, 8, 0, true), new ScalarBackend(),
                new SplittableRandom(4));
        MlpDenoiser copy = net.copyTo(new ScalarBackend());
        Tensor x = TinyModels.normal(1, 5, 2);
        int[] t = {0, 10, 100, 500, 999};
        assertArrayEquals(net.forward(x, t, null, ForwardContext.inference()).toArray(),
                copy.forward(x, t, null, ForwardContext.inference()).toArray());
        assertEquals(net.config(), copy.config());
        net.parameters().get(0).value().set(0, net.parameters().get(0).value().get(0) + 1);
        assertTrue(copy.parameters().get(0).value().get(0) != net.parameters().get(0).value().get(0),
                "the copy has weights of its own");
    }

    @Test
    void adamFirstStepMovesEachWeightByTheLearningRate() {
        // With bias correction, step 1 is θ −= lr·g/(|g| + ε): a move of lr against the gradient's sign.
        Parameter p = new Parameter("w", Tensor.of(new float[] {1f, -2f, 0.5f}, 3));
        p.grad().copyFrom(new float[] {3f, -0.001f, 0f});
        Adam adam = new Adam(new ScalarBackend(), List.of(p), 0.1, 0.9, 0.999, 1e-8, 0);
        adam.step();
        assertEquals(0.9f, p.value().get(0), 1e-6f);
        assertEquals(-1.9f, p.value().get(1), 1e-4f);
        assertEquals(0.5f, p.value().get(2), 0f);
    }

    @Test
    void warmupRampsTheLearningRateLinearly() {
        Parameter p = new Parameter("w", Tensor.zeros(1));
        Adam adam = new Adam(new ScalarBackend(), List.of(p), 1e-3, 0.9, 0.999, 1e-8, 4);
        assertEquals(0.25e-3, adam.currentLearningRate(), 1e-12);
        adam.step();
        adam.step();
        assertEquals(0.75e-3, adam.currentLearningRate(), 1e-12);
        adam.step();
        adam.step();
        assertEquals(1e-3, adam.currentLearningRate(), 1e-12);
    }

    @Test
    void emaAveragesAndSwapsBack() {
        Parameter p = new Parameter("w", Tensor.of(new float[] {0f}, 1));
        Ema ema = new Ema(new ScalarBackend(), List.of(p), 0.9);
        p.value().set(0, 10f);
        ema.update(); // warm-up: d = min(0.9, 2/11) = 2/11, so 0·2/11 + 10·9/11
        assertEquals(10f * 9 / 11, ema.shadow().get(0).get(0), 1e-5f);
        for (int i = 0; i < 200; i++) {
            ema.update(); // d reaches 0.9 after 80 updates; the average converges to the constant weight
        }
        assertEquals(10f, ema.shadow().get(0).get(0), 1e-4f);
        p.value().set(0, 0f);
        ema.update(); // now the full decay: 0.9·10 + 0.1·0
        assertEquals(9f, ema.shadow().get(0).get(0), 1e-4f);
        ema.swap();
        assertEquals(9f, p.value().get(0), 1e-4f);
        ema.swap();
        assertEquals(0f, p.value().get(0), 0f);
    }

    @Test
    void clippingScalesTheGlobalNormDownToTheLimit() {
        Parameter a = new Parameter("a", Tensor.zeros(1)), b = new Parameter("b", Tensor.zeros(1));
        a.grad().set(0, 3f);
        b.grad().set(0, 4f);
        double norm = GradientClipping.clipGlobalNorm(new ScalarBackend(), List.of(a, b), 1.0);
        assertEquals(5.0, norm, 1e-9);
        assertEquals(0.6f, a.grad().get(0), 1e-6f);
        assertEquals(0.8f, b.grad().get(0), 1e-6f);
    }

    private static double dot(Tensor y, Tensor r) {
        double s = 0;
        for (int i = 0; i < y.size(); i++) {
            s += (double) y.get(i) * r.get(i);
        }
        return s;
    }
}

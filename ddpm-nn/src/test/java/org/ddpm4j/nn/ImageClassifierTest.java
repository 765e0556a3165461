package org.ddpm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The feature classifier of the sample-quality metrics: backward against finite differences, and it can learn. */
class ImageClassifierTest {
    private static final ImageClassifier.Config TINY = new ImageClassifier.Config(1, 8, 8, 3);
    private static final int[] LABELS = {2, 0};

    private static double loss(ImageClassifier net, Tensor x) {
        Tensor logits = net.forward(x);
        return CrossEntropy.lossAndGradient(logits, LABELS, logits.zerosLike());
    }

    @Test
    void backwardMatchesFiniteDifferencesThroughPoolingAndEveryLayer() {
        Backend be = new ScalarBackend();
        ImageClassifier net = new ImageClassifier(TINY, be, new SplittableRandom(1));
        Tensor x = TinyModels.normal(2, 2, 1, 8, 8);
        net.zeroGrad();
        Tensor logits = net.forward(x), grad = logits.zerosLike();
        CrossEntropy.lossAndGradient(logits, LABELS, grad);
        net.backward(grad);
        List<String> probes = List.of("conv.0.weight", "norm.1.weight", "conv.2.bias", "conv.3.weight", "norm.3.bias",
                "fc.weight", "fc.bias", "head.weight", "head.bias");
        int checked = 0;
        for (Parameter p : net.parameters()) {
            if (!probes.contains(p.name())) {
                continue;
            }
            float[] w = p.value().toArray();
            for (int k = 0; k < 3; k++) {
                int i = (k * 7919 + 5) % w.length;
                float saved = w[i];
                p.value().set(i, (float) (saved + NnTolerances.FD_STEP));
                double plus = loss(net, x);
                p.value().set(i, (float) (saved - NnTolerances.FD_STEP));
                double minus = loss(net, x);
                p.value().set(i, saved);
                double fd = (plus - minus) / (2 * NnTolerances.FD_STEP), analytic = p.grad().get(i);
                assertTrue(NnTolerances.close(fd, analytic, NnTolerances.GRADIENT_ABS, NnTolerances.GRADIENT_REL),
                        p.name() + "[" + i + "]: backward " + analytic + ", finite difference " + fd);
                checked++;
            }
        }
        assertEquals(probes.size() * 3, checked);
        assertTrue(net.features().hasShape(2, TINY.featureDim()));
    }

    @Test
    void crossEntropyOfAHandComputedCase() {
        Tensor logits = Tensor.of(new float[] {0, 0, (float) Math.log(2)}, 1, 3), grad = logits.zerosLike();
        // softmax = (1/4, 1/4, 1/2): −log(1/2) for label 2, gradient (1/4, 1/4, −1/2).
        assertEquals(Math.log(2), CrossEntropy.lossAndGradient(logits, new int[] {2}, grad), 1e-7);
        assertEquals(0.25, grad.get(0), 1e-7);
        assertEquals(-0.5, grad.get(2), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.lossAndGradient(logits, new int[] {3}, grad));
    }

    @Test
    void itLearnsToSeparateFourImages() {
        Backend be = new ScalarBackend();
        ImageClassifier net = new ImageClassifier(TINY, be, new SplittableRandom(3));
        Tensor x = TinyModels.normal(4, 4, 1, 8, 8);
        int[] labels = {0, 1, 2, 1};
        Adam adam = new Adam(new ScalarBackend(), net.parameters(), 1e-2, 0.9, 0.999, 1e-8, 0);
        double loss = Double.NaN;
        for (int step = 0; step < 60; step++) {
            net.zeroGrad();
            Tensor logits = net.forward(x), grad = logits.zerosLike();
            loss = CrossEntropy.lossAndGradient(logits, labels, grad);
            net.backward(grad);
            adam.step();
        }
        assertTrue(loss < 0.05, "loss after 60 steps on four images: " + loss);
    }
}

package org.ddpm4j.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.Test;

/** The sample-quality metrics against closed forms and hand-computed cases. */
class SampleMetricsTest {
    private static final double CLOSED_FORM = 1e-9;

    private static FeatureStatistics gaussian(double[] mean, SimpleMatrix cov) {
        return new FeatureStatistics(mean, cov, 1000);
    }

    /** A random rotation: Q of the QR decomposition of a Gaussian matrix. */
    private static SimpleMatrix rotation(int d, long seed) {
        SimpleMatrix g = SimpleMatrix.random_DDRM(d, d, -1, 1, new java.util.Random(seed));
        var qr = org.ejml.dense.row.factory.DecompositionFactory_DDRM.qr(d, d);
        qr.decompose(g.getDDRM().copy());
        return SimpleMatrix.wrap(qr.getQ(null, false));
    }

    @Test
    void frechetDistanceMatchesTheClosedFormForCommutingCovariances() {
        // Σ₁ = R·D₁·Rᵀ, Σ₂ = R·D₂·Rᵀ: d² = ‖μ₁ − μ₂‖² + Σ (√d₁ − √d₂)².
        int d = 5;
        double[] d1 = {1, 4, 0.25, 2, 2}, d2 = {9, 1, 0.25, 0.5, 3};
        SimpleMatrix r = rotation(d, 3);
        SimpleMatrix s1 = r.mult(SimpleMatrix.diag(d1)).mult(r.transpose()), s2 = r.mult(SimpleMatrix.diag(d2)).mult(r.transpose());
        double[] m1 = {0, 1, 2, 3, 4}, m2 = {1, 1, 2, 3, 2};
        double expected = 1 + 4;
        for (int i = 0; i < d; i++) {
            expected += Math.pow(Math.sqrt(d1[i]) - Math.sqrt(d2[i]), 2);
        }
        assertEquals(expected, FrechetDistance.squared(gaussian(m1, s1), gaussian(m2, s2)), 1e-8);
        // Repeated eigenvalues (identity): the symmetric decomposition keeps its eigenvectors orthonormal.
        SimpleMatrix id = SimpleMatrix.identity(d);
        assertEquals(expected - sumSqrtDiff(d1, d2) + sumSqrtDiff(d1, ones(d)),
                FrechetDistance.squared(gaussian(m1, s1), gaussian(m2, id)), 1e-8);
    }

    private static double[] ones(int d) {
        double[] o = new double[d];
        java.util.Arrays.fill(o, 1);
        return o;
    }

    private static double sumSqrtDiff(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        }
        return s;
    }

    @Test
    void aSetHasNoDistanceToItselfAndShiftedSamplesTheirShift() {
        int n = 4000, d = 6;
        SplittableRandom rng = new SplittableRandom(1);
        float[] x = new float[n * d], shifted = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
            shifted[i] = (float) (rng.nextGaussian() + (i % d == 0 ? 2 : 0));
        }
        FeatureStatistics a = FeatureStatistics.of(x, n, d);
        assertEquals(0, FrechetDistance.squared(a, a), 1e-9, "itself");
        // Shift 2 in one coordinate: d² = 4, plus sampling noise of two independent sets of 4000 (≈ 2·d/n·... small).
        assertEquals(4, FrechetDistance.squared(a, FeatureStatistics.of(shifted, n, d)), 0.15);
        assertThrows(IllegalArgumentException.class, () -> FeatureStatistics.of(new float[5], 2, 3));
    }

    @Test
    void precisionAndRecallOfAHandComputedCase() {
        // Real {0, 1, 2, 3}, k = 1: every real ball has radius 1. Generated {0.5, 10}: 0.5 is inside, 10 is not;
        // the generated balls (radius 9.5) cover every real point.
        PrecisionRecall pr = PrecisionRecall.of(new float[] {0, 1, 2, 3}, new float[] {0.5f, 10}, 1, 1);
        assertEquals(0.5, pr.precision(), CLOSED_FORM);
        assertEquals(1.0, pr.recall(), CLOSED_FORM);
        // Generated points collapsed on one real point: precise, and covering only it (radius 0 balls).
        PrecisionRecall collapsed = PrecisionRecall.of(new float[] {0, 1, 2, 3}, new float[] {2, 2, 2}, 1, 1);
        assertEquals(1.0, collapsed.precision(), CLOSED_FORM);
        assertEquals(0.25, collapsed.recall(), CLOSED_FORM);
    }

    @Test
    void classifierScoreRunsFromOneToTheNumberOfClasses() {
        float[] same = {1, 2, 3, 1, 2, 3, 1, 2, 3};
        assertEquals(1.0, ClassifierScore.fromLogits(same, 3, 3), CLOSED_FORM, "identical predictions");
        float[] confident = {50, 0, 0, 0, 50, 0, 0, 0, 50};
        assertEquals(3.0, ClassifierScore.fromLogits(confident, 3, 3), 1e-9, "confident, evenly spread");
    }

    @Test
    void parzenWindowOfAHandComputedCase() {
        // One centre at 0, σ = 1: log N(1; 0, 1) = −½·log 2π − ½.
        assertEquals(-0.5 * Math.log(2 * Math.PI) - 0.5, ParzenWindow.meanLogLikelihood(new float[] {0}, new float[] {1}, 1, 1),
                CLOSED_FORM);
        // Validation points at ±1 around a centre at 0: −log σ − 1/(2σ²) peaks at σ = 1.
        assertEquals(1.0, ParzenWindow.chooseSigma(new float[] {0}, new float[] {-1, 1}, 1, new double[] {0.5, 1, 2}));
    }

    @Test
    void referenceImagesMeasuredAgainstThemselvesArePerfect() {
        org.ddpm4j.nn.ImageClassifier classifier = new org.ddpm4j.nn.ImageClassifier(
                new org.ddpm4j.nn.ImageClassifier.Config(1, 8, 8, 3), new org.ddpm4j.tensor.ScalarBackend(), new SplittableRandom(1));
        org.ddpm4j.tensor.Tensor images = org.ddpm4j.tensor.Tensor.zeros(40, 1, 8, 8);
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < images.size(); i++) {
            images.set(i, (float) rng.nextGaussian());
        }
        SampleQuality q = SampleQuality.measure(classifier, images, null, images);
        assertEquals(0, q.frechetDistance(), 1e-6);
        assertEquals(1.0, q.precision(), CLOSED_FORM);
        assertEquals(1.0, q.recall(), CLOSED_FORM);
        assertEquals(Double.NaN, q.classAccuracy());
        // Labels equal to the classifier's own predictions agree fully.
        ClassifierTraining.Outputs out = ClassifierTraining.outputs(classifier, images);
        int[] predicted = new int[40];
        for (int i = 0; i < 40; i++) {
            for (int c = 1; c < 3; c++) {
                predicted[i] = out.logits()[i * 3 + c] > out.logits()[i * 3 + predicted[i]] ? c : predicted[i];
            }
        }
        assertEquals(1.0, SampleQuality.measure(classifier, images, predicted, images).classAccuracy(), CLOSED_FORM);
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void aSavedClassifierLoadsWithItsConfigAndWeights() throws java.io.IOException {
        var config = new org.ddpm4j.nn.ImageClassifier.Config(1, 8, 8, 3);
        var be = new org.ddpm4j.tensor.ScalarBackend();
        var model = new org.ddpm4j.nn.ImageClassifier(config, be, new SplittableRandom(4));
        java.nio.file.Path file = dir.resolve("cls.safetensors");
        ClassifierTraining.save(file, new ClassifierTraining.Result(model, 0.5, 1, 1));
        var loaded = ClassifierTraining.load(file, be);
        assertEquals(config, loaded.config());
        org.ddpm4j.tensor.Tensor x = org.ddpm4j.tensor.Tensor.zeros(2, 1, 8, 8).fill(0.3f);
        float[] a = model.forward(x).copy().toArray(), b = loaded.forward(x).toArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
        java.nio.file.Path notOne = dir.resolve("x.safetensors");
        java.nio.file.Files.writeString(notOne, "nonsense");
        assertThrows(java.io.IOException.class, () -> ClassifierTraining.load(notOne, be));
    }
}

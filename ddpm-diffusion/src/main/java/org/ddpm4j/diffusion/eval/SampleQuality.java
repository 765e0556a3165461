package org.ddpm4j.diffusion.eval;

import org.ddpm4j.nn.ImageClassifier;
import org.ddpm4j.tensor.Tensor;

/**
 * The quality of generated images measured in a classifier's feature space against reference images (e.g. the
 * test set): the Fréchet distance of the penultimate features, the Inception-score analogue, k-NN precision and
 * recall, and for class-conditional samples how often the classifier agrees with the class asked for.
 *
 * @param frechetDistance d² between Gaussians fitted to the two feature sets (0 for identical statistics)
 * @param classifierScore exp(E KL(p(y|x) ‖ p(y))) of the generated images, in [1, classes]
 * @param precision       fraction of generated features inside the reference manifold (k = 3)
 * @param recall          fraction of reference features inside the generated manifold (k = 3)
 * @param classAccuracy   fraction of generated images classified as their label, or NaN without labels
 */
public record SampleQuality(double frechetDistance, double classifierScore, double precision, double recall,
                            double classAccuracy) {

    /**
     * Measures {@code generated} ([n, C, H, W], optionally with the label each was generated for) against
     * {@code reference} images with {@code classifier}.
     */
    public static SampleQuality measure(ImageClassifier classifier, Tensor generated, int[] generatedLabels,
                                        Tensor reference) {
        int f = classifier.config().featureDim(), k = classifier.config().numClasses(), n = generated.dim(0);
        if (generatedLabels != null && generatedLabels.length != n) {
            throw new IllegalArgumentException(generatedLabels.length + " labels for " + n + " generated images");
        }
        ClassifierTraining.Outputs gen = ClassifierTraining.outputs(classifier, generated);
        ClassifierTraining.Outputs ref = ClassifierTraining.outputs(classifier, reference);
        double fd = FrechetDistance.squared(FeatureStatistics.of(gen.features(), n, f),
                FeatureStatistics.of(ref.features(), reference.dim(0), f));
        PrecisionRecall pr = PrecisionRecall.of(ref.features(), gen.features(), f, PrecisionRecall.DEFAULT_K);
        double accuracy = Double.NaN;
        if (generatedLabels != null) {
            int agree = 0;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < k; c++) {
                    best = gen.logits()[i * k + c] > gen.logits()[i * k + best] ? c : best;
                }
                agree += best == generatedLabels[i] ? 1 : 0;
            }
            accuracy = agree / (double) n;
        }
        return new SampleQuality(fd, ClassifierScore.fromLogits(gen.logits(), n, k), pr.precision(), pr.recall(), accuracy);
    }
}

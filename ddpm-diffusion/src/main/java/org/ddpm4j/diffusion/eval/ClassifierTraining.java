package org.ddpm4j.diffusion.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.Cancellation;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.RandomFlips;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.CrossEntropy;
import org.ddpm4j.nn.ImageClassifier;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.nn.io.SafeTensors;
import org.ddpm4j.nn.optim.Adam;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * Trains the feature classifier of the sample-quality metrics on labelled images (cross-entropy, Adam with a cosine
 * learning-rate decay, random horizontal flips) and measures it: test accuracy, and the features and logits the metrics use.
 */
public final class ClassifierTraining {
    private ClassifierTraining() {
    }

    /**
     * What to run.
     *
     * @param steps        Adam steps
     * @param batchSize    images per step
     * @param learningRate Adam's rate
     * @param seed         batches, flips and initialisation
     */
    public record Settings(int steps, int batchSize, double learningRate, long seed) {
        /** 3000 steps of 128 images, Adam from 1e-3, seed 0. */
        public static Settings defaults() {
            return new Settings(3000, 128, 1e-3, 0);
        }
    }

    /** A trained classifier with its test accuracy (a fraction) and training time. */
    public record Result(ImageClassifier model, double testAccuracy, double trainSeconds, double finalLoss) {
    }

    /** Trains a new classifier of {@code config} on {@code train} and measures it on {@code test}. */
    public static Result train(ImageClassifier.Config config, Dataset train, Dataset test, Settings s, Backend be,
                               TrainingListener listener) {
        if (train.numClasses() != config.numClasses()) {
            throw new IllegalArgumentException("classifier for " + config.numClasses() + " classes, data has "
                    + train.numClasses());
        }
        SplittableRandom rng = new SplittableRandom(s.seed());
        ImageClassifier model = new ImageClassifier(config, be, rng.split());
        Adam adam = new Adam(be, model.parameters(), s.learningRate(), 0.9, 0.999, 1e-8, 0);
        int[] indices = new int[s.batchSize()], labels = new int[s.batchSize()];
        long start = System.nanoTime();
        double tail = 0;
        int tailCount = 0;
        for (int step = 0; step < s.steps(); step++) {
            Cancellation.throwIfInterrupted("classifier training at step " + step);
            for (int i = 0; i < indices.length; i++) {
                indices[i] = rng.nextInt(train.size());
                labels[i] = train.label(indices[i]);
            }
            Tensor x = train.batch(indices);
            RandomFlips.flipSomeHorizontally(x, rng);
            model.zeroGrad();
            Tensor logits = model.forward(x), grad = logits.zerosLike();
            double loss = CrossEntropy.lossAndGradient(logits, labels, grad);
            model.backward(grad);
            adam.step(0.5 * (1 + Math.cos(Math.PI * step / s.steps()))); // cosine decay to 0
            if (step >= s.steps() - Math.max(1, s.steps() / 10)) {
                tail += loss;
                tailCount++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            listener.onStep(new TrainingListener.Progress(step + 1, s.steps(), loss, (step + 1) / Math.max(seconds, 1e-9)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(model, accuracy(model, test), seconds, tail / Math.max(1, tailCount));
    }

    /** Saves a trained classifier (config and test accuracy in the metadata), atomically. */
    public static void save(Path file, Result r) throws IOException {
        Checkpoint.save(file, r.model(), r.model().config(), null, null, 0,
                Map.of("test_accuracy", Double.toString(r.testAccuracy())));
    }

    /** A classifier saved by {@link #save}, validated against its stored config. */
    public static ImageClassifier load(Path file, Backend be) throws IOException {
        String json = SafeTensors.read(file).metadata().get("model_config");
        if (json == null) {
            throw new IOException(file + ": no 'model_config' metadata: not a saved classifier");
        }
        ImageClassifier.Config config;
        try {
            config = new ObjectMapper().readValue(json, ImageClassifier.Config.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IOException(file + ": model_config '" + json + "' is not a classifier config", e);
        }
        ImageClassifier model = new ImageClassifier(config, be, new SplittableRandom(0));
        Checkpoint.restore(file, model, config, null, null);
        return model;
    }

    /** The fraction of {@code data} whose most likely class is its label. */
    public static double accuracy(ImageClassifier model, Dataset data) {
        Outputs out = outputs(model, data.all());
        int k = model.config().numClasses(), correct = 0;
        for (int i = 0; i < data.size(); i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                best = out.logits()[i * k + c] > out.logits()[i * k + best] ? c : best;
            }
            correct += best == data.label(i) ? 1 : 0;
        }
        return correct / (double) data.size();
    }

    /**
     * The classifier's penultimate features ({@code n × featureDim}, row by row) and logits ({@code n × classes}) of
     * images {@code [n, C, H, W]}, computed in batches.
     */
    public record Outputs(float[] features, float[] logits) {
    }

    /** Features and logits of every image, {@value #EVAL_BATCH} at a time. */
    public static Outputs outputs(ImageClassifier model, Tensor images) {
        int n = images.dim(0), per = images.size() / n, f = model.config().featureDim(), k = model.config().numClasses();
        float[] features = new float[n * f], logits = new float[n * k], all = images.toArray();
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int b = Math.min(EVAL_BATCH, n - from);
            int[] shape = images.shape();
            shape[0] = b;
            Tensor batch = Tensor.of(java.util.Arrays.copyOfRange(all, from * per, (from + b) * per), shape);
            synchronized (model) {
                Tensor l = model.forward(batch);
                System.arraycopy(l.toArray(), 0, logits, from * k, b * k);
                System.arraycopy(model.features().toArray(), 0, features, from * f, b * f);
            }
        }
        return new Outputs(features, logits);
    }

    /** Images per forward when measuring. */
    public static final int EVAL_BATCH = 250;
}

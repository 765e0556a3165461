package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.InMemoryDataset;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.diffusion.io.ImageGrid;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.diffusion.train.TrainingDivergedException;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.nn.io.Checkpoint;
import org.ddpm4j.tensor.NonFiniteException;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Divergence is caught where it happens: a step with a non-finite loss or gradient is never applied, training stops
 * with the step and the value (or skips a bounded number of such steps when asked), and neither a checkpoint nor a
 * sample grid is ever written from non-finite values.
 */
class TrainerNonFiniteTest {
    private static final MlpDenoiser.Config CONFIG = new MlpDenoiser.Config(2, 16, 2, 8, 0);
    private static final GaussianDiffusion DIFFUSION = GaussianDiffusion.builder()
            .schedule(Schedules.linear(50, 1e-3, 0.2)).build();

    @TempDir
    Path dir;

    @Test
    void aDivergingRunStopsAtTheFailingStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        Dataset data = SwissRoll.sample(200, new SplittableRandom(1));
        Path ckpt = dir.resolve("run.safetensors");
        Trainer good = trainer(data, 1e-3, 0).checkpoint(ckpt, 1).build();
        good.train(3, TrainingListener.NONE);

        Trainer diverging = trainer(data, 1e30, 0).checkpoint(ckpt, 1).build();
        diverging.resume(ckpt);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> diverging.train(20, TrainingListener.NONE));
        assertTrue(e.step() > 3 && e.step() <= 23, "failing step " + e.step());
        assertEquals(e.step() - 1, diverging.step(), "the failing step was not applied");
        assertTrue(e.getMessage().contains("step " + e.step()) && e.getMessage().matches("(?s).*(NaN|Infinity|non-finite).*"),
                e.getMessage());

        MlpDenoiser reloaded = new MlpDenoiser(CONFIG, new ScalarBackend(), new SplittableRandom(5));
        long saved = Checkpoint.restore(ckpt, reloaded, CONFIG, null, null).step(); // refuses non-finite weights
        assertTrue(saved >= 3 && saved <= diverging.step(), "checkpoint step " + saved);
    }

    /** A step size past float's range: the first update, from a finite gradient, makes every weight infinite. */
    @Test
    void anUpdateThatMakesTheWeightsNonFiniteNamesTheFirstSuchWeight() {
        MlpDenoiser model = new MlpDenoiser(CONFIG, new ScalarBackend(), new SplittableRandom(0));
        Trainer trainer = Trainer.builder(model, DIFFUSION).data(SwissRoll.sample(200, new SplittableRandom(1)))
                .batchSize(16).learningRate(1e39).seed(11).modelConfig(CONFIG).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.train(1, TrainingListener.NONE));
        assertEquals(1, e.step());
        String first = model.parameters().get(0).name();
        assertTrue(e.getMessage().contains("the update made weight '" + first + "' non-finite"), e.getMessage());
    }

    @Test
    void nonFiniteStepsAreSkippedWithoutUpdatesUntilTooManyFailInARow() {
        float[] nan = new float[2 * 10];
        java.util.Arrays.fill(nan, Float.NaN);
        Dataset poisoned = new InMemoryDataset(nan, new int[] {2}, null, 0);
        MlpDenoiser model = new MlpDenoiser(CONFIG, new ScalarBackend(), new SplittableRandom(3));
        List<float[]> before = values(model);
        Trainer trainer = Trainer.builder(model, DIFFUSION).data(poisoned).batchSize(4).seed(1).modelConfig(CONFIG)
                .skipNonFiniteSteps(3).build();

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.train(10, TrainingListener.NONE));
        assertEquals(4, e.step());
        assertTrue(e.getMessage().contains("4 steps in a row, 3 allowed"), e.getMessage());
        assertEquals(3, trainer.skippedSteps());
        List<float[]> after = values(model);
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(before.get(i), after.get(i), "skipped steps leave the weights alone");
        }
    }

    @Test
    void trainingGoesOnPastOccasionalNonFiniteSteps() {
        // One point in two is NaN and batches hold one point: about half of the steps fail.
        float[] points = {0.5f, -0.5f, Float.NaN, Float.NaN};
        Dataset data = new InMemoryDataset(points, new int[] {2}, null, 0);
        MlpDenoiser model = new MlpDenoiser(CONFIG, new ScalarBackend(), new SplittableRandom(3));
        Trainer trainer = Trainer.builder(model, DIFFUSION).data(data).batchSize(1).seed(2).modelConfig(CONFIG)
                .skipNonFiniteSteps(30).build();
        trainer.train(40, TrainingListener.NONE);
        assertEquals(40, trainer.step());
        assertTrue(trainer.skippedSteps() > 5 && trainer.skippedSteps() < 35, "skipped " + trainer.skippedSteps());
        for (Parameter p : model.parameters()) {
            for (float v : p.value().toArray()) {
                assertTrue(Float.isFinite(v), p.name());
            }
        }
    }

    @Test
    void aGridOfNonFiniteSamplesIsNotWritten() {
        Tensor images = Tensor.zeros(2, 1, 4, 4);
        images.set(7, Float.NaN);
        Path png = dir.resolve("samples.png");
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> ImageGrid.write(png, images, 2));
        assertTrue(e.getMessage().contains(png.toString()) && e.getMessage().contains("NaN"), e.getMessage());
        assertFalse(Files.exists(png));
    }

    @Test
    void theBoundOfADivergedModelIsReportedNotReturnedAsNaN() {
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.linear(20, 1e-4, 0.02)).build();
        Tensor x0 = Tensor.zeros(2, 1, 4, 4).fill(0.5f);
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> d.bound(OracleModels.nanFrom(7), x0, null, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("L_7") && e.getMessage().contains("t = 8"), e.getMessage());
    }

    private static Trainer.Builder trainer(Dataset data, double lr, long initSeed) {
        MlpDenoiser model = new MlpDenoiser(CONFIG, new ScalarBackend(), new SplittableRandom(initSeed));
        return Trainer.builder(model, DIFFUSION).data(data).batchSize(16).learningRate(lr).seed(11).modelConfig(CONFIG);
    }

    private static List<float[]> values(MlpDenoiser model) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            out.add(p.value().toArray().clone());
        }
        return out;
    }
}

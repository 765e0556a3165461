package org.ddpm4j.diffusion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.LossType;
import org.ddpm4j.diffusion.MeanType;
import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.VarianceType;
import org.ddpm4j.nn.DownsamplePadding;
import org.ddpm4j.nn.Parameter;
import org.ddpm4j.nn.UNet;
import org.ddpm4j.nn.UNetConfig;
import org.ddpm4j.tensor.ScalarBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** diffusers' {@code scheduler_config.json} as a diffusion, and whole model directories both ways. */
class DiffusersSchedulerTest {
    /** google/ddpm-cifar10-32's scheduler config. */
    private static final String CIFAR10 = """
            {"_class_name": "DDPMScheduler", "_diffusers_version": "0.1.1", "beta_end": 0.02,
             "beta_schedule": "linear", "beta_start": 0.0001, "clip_sample": true, "num_train_timesteps": 1000,
             "trained_betas": null, "variance_type": "fixed_small"}""";

    @TempDir
    Path dir;

    @Test
    void thePublishedCifar10SchedulerIsDdpmsLinearScheduleWithTheSmallVariance() throws IOException {
        DiffusersScheduler.Scheduler s = read(CIFAR10, false);
        assertArrayEquals(betas(Schedules.linear(1000, 1e-4, 0.02)), betas(s.diffusion().schedule()));
        assertEquals(MeanType.EPSILON, s.diffusion().meanType());
        assertEquals(VarianceType.FIXED_SMALL, s.diffusion().varianceType());
        assertTrue(s.clipSample());
    }

    @Test
    void namedSchedulesAndPredictionTypesMapToTheirDdpm4jCounterparts() throws IOException {
        assertArrayEquals(betas(Schedules.cosine(1000)), betas(read(change("\"linear\"", "\"squaredcos_cap_v2\""),
                false).diffusion().schedule()));
        assertArrayEquals(betas(Schedules.quadratic(1000, 1e-4, 0.02)), betas(read(change("\"linear\"",
                "\"scaled_linear\""), false).diffusion().schedule()));
        assertEquals(MeanType.VELOCITY, read(CIFAR10.replace("}", ", \"prediction_type\": \"v_prediction\"}"), false)
                .diffusion().meanType());
        assertEquals(MeanType.X0, read(CIFAR10.replace("}", ", \"prediction_type\": \"sample\"}"), false)
                .diffusion().meanType());
        DiffusersScheduler.Scheduler learned = read(change("fixed_small", "learned_range"), true);
        assertEquals(VarianceType.LEARNED_RANGE, learned.diffusion().varianceType());
        assertFalse(read(change("\"clip_sample\": true", "\"clip_sample\": false"), false).clipSample());
    }

    @Test
    void writeThenReadGivesTheSameDiffusion() throws IOException {
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(Schedules.cosine(500)).meanType(MeanType.VELOCITY)
                .varianceType(VarianceType.LEARNED_RANGE).lossType(LossType.HYBRID).build();
        DiffusersScheduler.write(dir, d, false);
        DiffusersScheduler.Scheduler back = DiffusersScheduler.read(dir, true);
        assertArrayEquals(betas(d.schedule()), betas(back.diffusion().schedule()));
        assertEquals("cosine", back.diffusion().schedule().name());
        assertEquals(MeanType.VELOCITY, back.diffusion().meanType());
        assertEquals(VarianceType.LEARNED_RANGE, back.diffusion().varianceType());
        assertFalse(back.clipSample());
    }

    @Test
    void unsupportedValuesAreRefusedByName() {
        refused(change("DDPMScheduler", "DDIMScheduler"), "_class_name");
        refused(change("\"linear\"", "\"exponential\""), "beta_schedule");
        refused(CIFAR10.replace("}", ", \"thresholding\": true}"), "thresholding");
        refused(CIFAR10.replace("}", ", \"prediction_type\": \"flow\"}"), "prediction_type");
        refused(CIFAR10.replace("}", ", \"clip_sample_range\": 2.0}"), "clip_sample_range");
        refused(CIFAR10.replace("}", ", \"a_future_option\": 1}"), "'a_future_option'");
        refused(change("fixed_small", "learned"), "variance_type");
        refused(change("fixed_small", "learned_range"), "variance_type");
        refused(change("1000", "10.5"), "num_train_timesteps");
        refused(change("null", "[0.1, 0.2]"), "trained_betas");
    }

    /** A ddpm4j model written as a diffusers directory (and as a pipeline's unet/ and scheduler/) loads back. */
    @Test
    void modelDirectoriesRoundTrip() throws IOException {
        UNetConfig config = new UNetConfig(3, 32, new int[] {1, 2}, 1, Set.of(8), 0f, 16, 0, false, 1e-6f,
                DownsamplePadding.END);
        UNet model = new UNet(config, new ScalarBackend(), new SplittableRandom(3));
        GaussianDiffusion d = GaussianDiffusion.builder().varianceType(VarianceType.FIXED_SMALL).build();
        ImageModelFiles.writeDiffusers(dir, new ImageModelFiles.Loaded(model, d, 7));
        check(model, d, ImageModelFiles.loadDiffusers(dir, new ScalarBackend()));

        Path pipeline = dir.resolve("pipeline");
        ImageModelFiles.writeDiffusers(pipeline.resolve("unet"), new ImageModelFiles.Loaded(model, d, 7));
        Files.createDirectories(pipeline.resolve("scheduler"));
        Files.move(pipeline.resolve("unet").resolve(DiffusersScheduler.CONFIG),
                pipeline.resolve("scheduler").resolve(DiffusersScheduler.CONFIG));
        check(model, d, ImageModelFiles.loadDiffusers(pipeline, new ScalarBackend()));
    }

    private static void check(UNet model, GaussianDiffusion d, ImageModelFiles.Loaded back) {
        assertEquals(model.config(), back.model().config());
        for (int i = 0; i < model.parameters().size(); i++) {
            Parameter a = model.parameters().get(i);
            assertArrayEquals(a.value().toArray(), back.model().parameters().get(i).value().toArray(), a.name());
        }
        assertArrayEquals(betas(d.schedule()), betas(back.diffusion().schedule()));
        assertEquals(d.varianceType(), back.diffusion().varianceType());
        assertTrue(back.clipX0());
    }

    private void refused(String json, String expected) {
        IOException e = assertThrows(IOException.class, () -> read(json, false), expected);
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(DiffusersScheduler.CONFIG),
                "expected '" + expected + "' and the file in: " + e.getMessage());
    }

    private static String change(String from, String to) {
        assertTrue(CIFAR10.contains(from), from);
        return CIFAR10.replace(from, to);
    }

    private DiffusersScheduler.Scheduler read(String json, boolean learned) throws IOException {
        Path d = Files.createTempDirectory(dir, "scheduler");
        Files.writeString(d.resolve(DiffusersScheduler.CONFIG), json);
        return DiffusersScheduler.read(d, learned);
    }

    private static double[] betas(Schedule s) {
        double[] b = new double[s.steps()];
        for (int t = 0; t < b.length; t++) {
            b[t] = s.beta(t);
        }
        return b;
    }
}

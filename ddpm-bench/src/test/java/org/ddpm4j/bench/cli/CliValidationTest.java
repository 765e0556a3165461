package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddpm4j.nn.io.SafeTensors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's command-line rows: every option is checked before work starts, and each error is one line that names
 * the option or file, with exit code 2 for usage errors and 1 for a run that failed.
 */
class CliValidationTest {
    private static final int USAGE = 2;

    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void smallDataSet() throws IOException {
        data = Files.createDirectories(dir.resolve("data"));
        MnistFiles.write(data, "train", 8, 1);
        MnistFiles.write(data, "t10k", 4, 2);
    }


    /**
     * {@code ddpm train} on the small data set, writing into the test's folder; {@code more} are options (each with
     * its value, or a flag alone) that replace the defaults of the same name.
     */
    private CliRun train(String... more) {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--data-dir", data.toString(), "--checkpoint",
                dir.resolve("run.safetensors").toString(), "--samples", dir.resolve("s.png").toString(),
                "--threads", "2", "--channels", "32", "--batch", "2"));
        for (int i = 0; i < more.length; i++) {
            boolean flag = i + 1 == more.length || more[i + 1].startsWith("--");
            options.put(more[i], flag ? null : more[++i]);
        }
        List<String> args = new ArrayList<>(List.of("train"));
        options.forEach((k, v) -> {
            args.add(k);
            if (v != null) {
                args.add(v);
            }
        });
        return CliRun.ddpm(args.toArray(String[]::new));
    }

    private static void assertUsageError(CliRun r, String... fragments) {
        assertEquals(USAGE, r.exitCode(), r.err());
        assertEquals(1, r.lines().size(), "one line: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + r.err() + "' names " + f);
        }
    }

    @Test
    void negativeStepsAreRefusedAndNoCheckpointIsReported() {
        assertUsageError(train("--steps", "-5"), "--steps", "-5");
        assertFalse(Files.exists(dir.resolve("run.safetensors")));
    }

    @Test
    void aLabelDropoutProbabilityOutsideZeroToOneIsRefused() {
        assertUsageError(train("--classes", "--p-uncond", "5"), "--p-uncond", "5.0");
    }

    @Test
    void zeroThreadsAreRefusedInsteadOfFallingBackToScalar() {
        assertUsageError(train("--threads", "0"), "--threads", "0");
        assertUsageError(CliRun.ddpm("sample", "--checkpoint", "x", "--threads", "0"), "--threads");
    }

    @Test
    void zeroImagesAreRefusedBySampleAndEval() throws IOException {
        Path ckpt = Files.writeString(dir.resolve("c.safetensors"), "not read");
        assertUsageError(CliRun.ddpm("sample", "--checkpoint", ckpt.toString(), "--n", "0"), "--n", "0");
        assertUsageError(CliRun.ddpm("eval", "--checkpoint", ckpt.toString(), "--n", "0", "--data-dir", data.toString()),
                "--n", "0");
    }

    @Test
    void optionsThatUsedToFailOnlyAfterTrainingFailBeforeIt() throws IOException {
        assertUsageError(train("--sample-steps", "0"), "--sample-steps", "0");
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        assertUsageError(train("--samples", notADir.resolve("s.png").toString()), "--samples",
                notADir.resolve("s.png").toString());
        Path folder = Files.createDirectory(dir.resolve("a-folder"));
        assertUsageError(train("--checkpoint", folder.toString()), "--checkpoint", "is a directory");
        assertFalse(Files.exists(dir.resolve("run.safetensors")), "nothing was trained");
    }

    @Test
    void anExistingCheckpointIsNotOverwrittenWithoutResumeOrForce() throws IOException {
        Path ckpt = dir.resolve("run.safetensors");
        byte[] before = "an earlier run's checkpoint".getBytes();
        Files.write(ckpt, before);
        assertUsageError(train("--steps", "1"), "--checkpoint", "--resume", "--force");
        assertArrayEquals(before, Files.readAllBytes(ckpt), "the file is untouched");
        assertUsageError(train("--steps", "1", "--resume", "--force"), "exclude");
    }

    @Test
    void unknownOptionsAndBadNumbersAreOneLineUsageErrors() {
        assertUsageError(train("--stepz", "3"), "--stepz");
        assertUsageError(train("--steps", "many"), "--steps", "many");
        assertUsageError(train("--lr", "NaN"), "--lr");
        assertUsageError(train("--backend", "gpu"), "--backend", "gpu");
    }

    @Test
    void aMissingCheckpointIsNamed() {
        Path missing = dir.resolve("missing.safetensors");
        assertUsageError(CliRun.ddpm("sample", "--checkpoint", missing.toString()), missing.toString(), "no such file");
    }

    @Test
    void aDivergingRunStopsWithTheStepAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path ckpt = dir.resolve("run.safetensors");
        CliRun good = train("--steps", "2", "--checkpoint-every", "1", "--sample-steps", "2");
        assertEquals(0, good.exitCode(), good.err());
        byte[] lastGood = Files.readAllBytes(ckpt);
        Files.delete(dir.resolve("s.png"));

        CliRun r = train("--resume", "--steps", "6", "--lr", "1e30", "--checkpoint-every", "1", "--sample-steps", "2");
        assertEquals(DdpmCommand.FAILED, r.exitCode(), r.err());
        assertTrue(r.err().contains("diverged at step 3") && r.err().contains("non-finite"), r.err());
        assertFalse(Files.exists(dir.resolve("s.png")), "no samples of a diverged model");
        assertArrayEquals(lastGood, Files.readAllBytes(ckpt), "the last good checkpoint is still there, unchanged");
    }

    @Test
    void benchUnetNamesAnUnknownModelAndChannelsTheCifar10NetworkDoesNotTake() {
        CliRun unknown = CliRun.ddpm("bench", "unet", "--model", "imagenet", "--quick");
        assertEquals(USAGE, unknown.exitCode(), unknown.err());
        assertEquals("ddpm bench unet: --model: expected small or cifar10 but was 'imagenet' (see ddpm bench unet "
                + "--help)", unknown.lines().get(0));
        CliRun channels = CliRun.ddpm("bench", "unet", "--model", "cifar10", "--channels", "64", "--quick");
        assertEquals(USAGE, channels.exitCode(), channels.err());
        assertEquals("ddpm bench unet: --channels: only the small U-Net takes it; the cifar10 network has ch 128 "
                + "(see ddpm bench unet --help)", channels.lines().get(0));
    }

    @Test
    void benchKernelsNamesCasesThatMatchNothing() {
        CliRun r = CliRun.ddpm("bench", "kernels", "--sections", "gn", "--cases", "128->3", "--quick");
        assertEquals(USAGE, r.exitCode(), r.err());
        assertEquals("ddpm bench kernels: --cases [128->3]: no case of the sections [gn] has one of these in its name "
                + "(see ddpm bench kernels --help)", r.lines().get(0));
    }
}

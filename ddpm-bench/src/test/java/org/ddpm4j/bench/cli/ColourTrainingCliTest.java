package org.ddpm4j.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Set;
import javax.imageio.ImageIO;
import org.ddpm4j.diffusion.io.ImageModelFiles;
import org.ddpm4j.tensor.ScalarBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RGB end to end: a folder of colour images trains a 3-channel U-Net whose samples are written in colour. */
class ColourTrainingCliTest {
    @TempDir
    Path dir;

    @Test
    void aFolderOfColourImagesTrainsAndSamplesInColour() throws Exception {
        Path images = dir.resolve("images");
        java.nio.file.Files.createDirectories(images);
        for (int i = 0; i < 4; i++) {
            BufferedImage img = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 36; y++) {
                for (int x = 0; x < 40; x++) {
                    img.setRGB(x, y, (x * 6 + i * 40) << 16 | (y * 7) << 8 | (i * 60));
                }
            }
            ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
        }
        Path ckpt = dir.resolve("rgb.safetensors"), samples = dir.resolve("rgb.png"), grid = dir.resolve("again.png");
        CliRun train = CliRun.ddpm("train", "--image-folder", images.toString(), "--steps", "2", "--batch", "2",
                "--channels", "32", "--checkpoint", ckpt.toString(), "--samples", samples.toString(),
                "--sample-steps", "2", "--threads", "2");
        assertEquals(0, train.exitCode(), train.err());
        ImageModelFiles.Loaded loaded = ImageModelFiles.loadForSampling(ckpt, new ScalarBackend());
        assertEquals(3, loaded.model().config().imageChannels());
        assertEquals(Set.of(16), loaded.model().config().attentionResolutions());
        assertColour(samples);

        CliRun sample = CliRun.ddpm("sample", "--checkpoint", ckpt.toString(), "--n", "2", "--steps", "2", "--out",
                grid.toString(), "--threads", "2");
        assertEquals(0, sample.exitCode(), sample.err());
        assertColour(grid);

        CliRun noLabels = CliRun.ddpm("train", "--image-folder", images.toString(), "--classes", "--checkpoint",
                dir.resolve("c.safetensors").toString());
        assertEquals(2, noLabels.exitCode());
        assertTrue(noLabels.err().contains("--image-folder"), noLabels.err());
    }

    /** Some pixel whose channels differ: a grayscale grid has r = g = b everywhere. */
    private static void assertColour(Path png) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        boolean colour = false;
        for (int y = 0; y < img.getHeight() && !colour; y++) {
            for (int x = 0; x < img.getWidth() && !colour; x++) {
                int rgb = img.getRGB(x, y), r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;
                colour = r != g || g != b;
            }
        }
        assertTrue(colour, png + " has no coloured pixel");
    }
}

package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.GaussianMixture;
import org.ddpm4j.diffusion.data.ImageFolder;
import org.ddpm4j.diffusion.sample.Interpolation;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.tensor.ScalarBackend;
import org.ddpm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToysAndInterpolationTest {
    @TempDir
    Path dir;

    @Test
    void gaussianMixtureDensityIntegratesToOneAndMatchesItsSamples() {
        GaussianMixture g = GaussianMixture.eightModes();
        double h = 0.02, total = 0;
        for (double x = -3; x < 3; x += h) {
            for (double y = -3; y < 3; y += h) {
                total += Math.exp(g.logDensity(x + h / 2, y + h / 2)) * h * h;
            }
        }
        assertEquals(1.0, total, 1e-3);
        Dataset d = g.sample(20_000, new SplittableRandom(1));
        double r2 = 0;
        for (int i = 0; i < d.size(); i++) {
            float[] p = new float[2];
            d.copySample(i, p, 0);
            r2 += p[0] * p[0] + p[1] * p[1];
        }
        // E|x|² = radius² + 2·sd²
        assertEquals(1.5 * 1.5 + 2 * 0.04, r2 / d.size(), 0.03);
    }

    @Test
    void imageFoldersAreCroppedResizedAndScaled() throws IOException {
        BufferedImage white = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                white.setRGB(x, y, 0xff0000); // pure red
            }
        }
        ImageIO.write(white, "png", dir.resolve("a.png").toFile());
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        Dataset rgb = ImageFolder.load(dir, 8, false);
        assertEquals(1, rgb.size());
        assertArrayEquals(new int[] {3, 8, 8}, rgb.sampleShape());
        Tensor t = rgb.all();
        assertEquals(1f, t.get(0), 1e-6f, "red channel of red is 255 -> 1");
        assertEquals(-1f, t.get(64), 1e-6f, "green channel of red is 0 -> -1");
        Files.writeString(dir.resolve("broken.png"), "garbage");
        IOException e = assertThrows(IOException.class, () -> ImageFolder.load(dir, 8, true));
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    }

    @Test
    void interpolationAtTheEndpointsDecodesEachSource() {
        // Deterministic DDIM decoding: λ = 0 must equal decoding a's own latent, and every mixture has a's shape.
        Schedule s = Schedules.linear(30, 1e-3, 0.3);
        GaussianDiffusion d = GaussianDiffusion.builder().schedule(s).build();
        Sampler sampler = new Sampler(d).ddim(0.0).clipDenoised(false);
        var model = OracleModels.standardNormalData(s);
        Tensor a = Tensor.of(new float[] {0.5f, -0.25f}, 1, 2), b = Tensor.of(new float[] {-1f, 1f}, 1, 2);
        Tensor mixes = Interpolation.interpolate(sampler, model, a, b, 20, new double[] {0, 0.5, 1}, new SplittableRandom(3));
        assertTrue(mixes.hasShape(3, 2));
        // Re-encode a with the same noise draw and decode it alone.
        SplittableRandom rng = new SplittableRandom(3);
        Tensor noise = a.zerosLike();
        ForwardProcess.gaussian(new ScalarBackend(), noise, rng);
        Tensor xa = a.zerosLike();
        d.forwardProcess().sample(new ScalarBackend(), a, new int[] {20}, noise, xa);
        Tensor alone = sampler.denoise(model, xa, 20, null, rng);
        assertEquals(alone.get(0), mixes.get(0), 1e-6f);
        assertEquals(alone.get(1), mixes.get(1), 1e-6f);
        // Linear in the latent, and the oracle's DDIM map is linear: the midpoint is the mean of the endpoints.
        assertEquals((mixes.get(0) + mixes.get(4)) / 2, mixes.get(2), 1e-5f);
    }
}

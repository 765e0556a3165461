package org.ddpm4j.examples.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddpm4j.diffusion.DataKind;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.data.Dataset;
import org.ddpm4j.diffusion.data.SwissRoll;
import org.ddpm4j.diffusion.io.ScatterPlot;
import org.ddpm4j.diffusion.sample.Sampler;
import org.ddpm4j.diffusion.train.Trainer;
import org.ddpm4j.diffusion.train.TrainingListener;
import org.ddpm4j.nn.MlpDenoiser;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Backends;
import org.ddpm4j.tensor.Tensor;

/**
 * A JVM application using ddpm4j: trains a small diffusion model on the swiss roll for a few hundred steps, samples
 * it with {@code sampler.sample(model, shape, rng)}, writes a PNG and a JSON summary. With a reference summary
 * (from a run on another backend) it checks that both runs agree within {@link #TOLERANCE}.
 *
 * <p>Usage: {@code ConsumerMain OUT.png OUT.json [REFERENCE.json]}
 */
public final class ConsumerMain {
    /**
     * SIMD and scalar backends round differently (float32 sums in another order); over 300 Adam steps that moved
     * the loss and the samples' moments by 2e-7 (measured on the developers' machine), far less than this.
     */
    static final double TOLERANCE = 1e-3;

    private ConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ConsumerMain OUT.png OUT.json [REFERENCE.json]");
            System.exit(2);
        }
        Path png = Path.of(args[0]), json = Path.of(args[1]);
        Backend be = Backends.getDefault();
        Dataset data = SwissRoll.sample(5000, new SplittableRandom(1));
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(Schedules.linear(50, 1e-3, 0.2))
                .dataKind(DataKind.CONTINUOUS).build();
        MlpDenoiser model = new MlpDenoiser(new MlpDenoiser.Config(2, 64, 2, 16, 0), be, new SplittableRandom(2));
        Trainer trainer = Trainer.builder(model, diffusion).data(data).batchSize(128).learningRate(1e-3)
                .emaDecay(0.99).seed(3).build();
        double loss = trainer.train(300, TrainingListener.NONE);
        trainer.ema().swap();

        Sampler sampler = new Sampler(diffusion).clipDenoised(false);
        Tensor samples = sampler.sample(model, new int[] {500, 2}, new SplittableRandom(4));
        ScatterPlot.write(png, "ddpm4j consumer example: 300 training steps", data.all(), samples);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("backend", be.describe());
        summary.put("final_loss", loss);
        summary.put("sample_mean", moments(samples)[0]);
        summary.put("sample_std", moments(samples)[1]);
        summary.put("samples_png", png.toAbsolutePath().toString());
        ObjectMapper mapper = new ObjectMapper();
        mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), summary);
        System.out.println(mapper.writeValueAsString(summary));
        be.shutdown();

        if (args.length > 2) {
            JsonNode ref = mapper.readTree(Path.of(args[2]).toFile());
            String mismatch = compare(ref, mapper.valueToTree(summary));
            if (mismatch != null) {
                System.err.println("consumer: results differ from " + args[2] + ": " + mismatch);
                System.exit(1);
            }
            System.out.println("consumer: agrees with " + args[2] + " (" + ref.path("backend").asText() + ") within "
                    + TOLERANCE);
        }
    }

    /** Per coordinate: {mean, standard deviation}. */
    private static double[][] moments(Tensor points) {
        int n = points.dim(0), d = points.dim(1);
        double[] mean = new double[d], std = new double[d];
        float[] values = points.toArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += values[i * d + j] / (double) n;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double e = values[i * d + j] - mean[j];
                std[j] += e * e / n;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j]);
        }
        return new double[][] {mean, std};
    }

    private static String compare(JsonNode a, JsonNode b) {
        for (String key : new String[] {"final_loss", "sample_mean", "sample_std"}) {
            JsonNode x = a.path(key), y = b.path(key);
            int n = x.isArray() ? x.size() : 1;
            for (int i = 0; i < n; i++) {
                double u = x.isArray() ? x.get(i).asDouble() : x.asDouble(), v = y.isArray() ? y.get(i).asDouble() : y.asDouble();
                if (!(Math.abs(u - v) <= TOLERANCE)) {
                    return key + (x.isArray() ? "[" + i + "]" : "") + " " + u + " vs " + v;
                }
            }
        }
        return null;
    }
}

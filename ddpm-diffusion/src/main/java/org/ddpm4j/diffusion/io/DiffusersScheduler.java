package org.ddpm4j.diffusion.io;

import static org.ddpm4j.nn.io.StrictConfig.refused;
import static org.ddpm4j.nn.io.StrictConfig.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.LossType;
import org.ddpm4j.diffusion.MeanType;
import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.VarianceType;
import org.ddpm4j.nn.io.StrictConfig;

/**
 * A diffusers {@code DDPMScheduler} config ({@code scheduler_config.json}) as a {@link GaussianDiffusion}: the β
 * schedule, what the network predicts, the reverse-process variance and whether x̂₀ is clipped. Every value whose
 * diffusion ddpm4j does not compute is refused by name. Two keys only choose which timesteps diffusers visits when
 * sampling in fewer steps ({@code timestep_spacing}, {@code steps_offset}); they do not change the model, and ddpm4j's
 * samplers respace by their own rule.
 */
public final class DiffusersScheduler {
    public static final String CONFIG = "scheduler_config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** diffusers' names of ddpm4j's named schedules (when the betas are those, the name is informative only). */
    private static final Map<String, String> SCHEDULE_NAMES = Map.of("linear", "linear", "quadratic", "scaled_linear",
            "cosine", "squaredcos_cap_v2", "sigmoid", "sigmoid");

    private DiffusersScheduler() {
    }

    /** The diffusion, and whether diffusers clips x̂₀ to [−1, 1] while sampling ({@code clip_sample}). */
    public record Scheduler(GaussianDiffusion diffusion, boolean clipSample) {
    }

    /**
     * Reads {@code dir/scheduler_config.json} for a network that does ({@code learnedVariance}) or does not output a
     * variance.
     */
    public static Scheduler read(Path dir, boolean learnedVariance) throws IOException {
        Path file = dir.resolve(CONFIG);
        StrictConfig config = StrictConfig.read(file, "a diffusers pipeline keeps it in its scheduler/ folder");
        try {
            return scheduler(config, learnedVariance);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code diffusion} as a {@code DDPMScheduler} config in {@code dir}. The betas go in {@code trained_betas}
     * exactly, whatever schedule made them.
     *
     * @throws IllegalArgumentException for μ̃-prediction or an interpolated variance, which diffusers' scheduler lacks
     */
    public static void write(Path dir, GaussianDiffusion diffusion, boolean clipSample) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("_class_name", "DDPMScheduler");
        Schedule s = diffusion.schedule();
        n.put("num_train_timesteps", s.steps());
        String name = SCHEDULE_NAMES.get(s.name());
        if (name != null) {
            n.put("beta_schedule", name);
        }
        n.put("beta_start", s.beta(0));
        n.put("beta_end", s.beta(s.steps() - 1));
        ArrayNode betas = n.putArray("trained_betas");
        for (int t = 0; t < s.steps(); t++) {
            betas.add(s.beta(t));
        }
        n.put("prediction_type", switch (diffusion.meanType()) {
            case EPSILON -> "epsilon";
            case X0 -> "sample";
            case VELOCITY -> "v_prediction";
            case MEAN -> throw new IllegalArgumentException("diffusers' schedulers have no μ̃-prediction");
        });
        n.put("variance_type", switch (diffusion.varianceType()) {
            case FIXED_SMALL -> "fixed_small";
            case FIXED_LARGE -> "fixed_large";
            case LEARNED_RANGE -> "learned_range";
            case INTERPOLATED -> throw new IllegalArgumentException("diffusers' schedulers have no fixed variance "
                    + "interpolation");
        });
        n.put("clip_sample", clipSample);
        n.put("clip_sample_range", 1.0);
        n.put("thresholding", false);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(n));
    }

    private static Scheduler scheduler(StrictConfig c, boolean learnedVariance) {
        String className = c.text("_class_name", "DDPMScheduler");
        require(className.equals("DDPMScheduler"), "_class_name", className, "DDPMScheduler");
        Schedule schedule = schedule(c);
        String prediction = c.text("prediction_type", "epsilon");
        MeanType mean = switch (prediction) {
            case "epsilon" -> MeanType.EPSILON;
            case "sample" -> MeanType.X0;
            case "v_prediction" -> MeanType.VELOCITY;
            default -> throw refused("prediction_type", prediction, "epsilon, sample or v_prediction");
        };
        // The _log forms compute the same variance in the log domain.
        String varianceName = c.text("variance_type", "fixed_small");
        VarianceType variance = switch (varianceName) {
            case "fixed_small", "fixed_small_log" -> VarianceType.FIXED_SMALL;
            case "fixed_large", "fixed_large_log" -> VarianceType.FIXED_LARGE;
            case "learned_range" -> VarianceType.LEARNED_RANGE;
            default -> throw refused("variance_type", varianceName, "fixed_small, fixed_large or learned_range");
        };
        if ((variance == VarianceType.LEARNED_RANGE) != learnedVariance) {
            throw new IllegalArgumentException("variance_type " + varianceName + " does not fit a U-Net "
                    + (learnedVariance ? "that outputs a variance (out_channels = 2 × in_channels)"
                    : "without a variance output"));
        }
        boolean clip = c.bool("clip_sample", true);
        double clipRange = c.number("clip_sample_range", 1);
        require(clipRange == 1, "clip_sample_range", clipRange, "1.0");
        require(!c.bool("thresholding", false), "thresholding", true, "false");
        require(!c.bool("rescale_betas_zero_snr", false), "rescale_betas_zero_snr", true, "false");
        // Inert without thresholding.
        c.number("dynamic_thresholding_ratio", 0);
        c.number("sample_max_value", 0);
        // Only which timesteps diffusers visits with fewer steps; see the class comment.
        c.text("timestep_spacing", "leading");
        c.number("steps_offset", 0);
        c.refuseUnread("DDPMScheduler");
        GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(schedule).meanType(mean)
                .varianceType(variance)
                // Sampling ignores the loss; a learned variance needs one that trains it.
                .lossType(variance == VarianceType.LEARNED_RANGE ? LossType.HYBRID : LossType.SIMPLE)
                .build();
        return new Scheduler(diffusion, clip);
    }

    private static Schedule schedule(StrictConfig c) {
        double stepsValue = c.number("num_train_timesteps", 1000);
        require(stepsValue == Math.rint(stepsValue) && stepsValue >= 1 && stepsValue <= Schedule.MAX_STEPS,
                "num_train_timesteps", stepsValue, "an integer from 1 to " + Schedule.MAX_STEPS);
        int steps = (int) stepsValue;
        double start = c.number("beta_start", 0.0001), end = c.number("beta_end", 0.02);
        String name = c.text("beta_schedule", "linear");
        JsonNode trained = c.node("trained_betas");
        if (trained != null) {
            if (!trained.isArray() || trained.size() != steps) {
                throw new IllegalArgumentException("trained_betas must be a list of num_train_timesteps (" + steps
                        + ") numbers, got " + (trained.isArray() ? trained.size() + " entries" : trained));
            }
            double[] betas = new double[steps];
            for (int t = 0; t < steps; t++) {
                if (!trained.get(t).isNumber()) {
                    throw new IllegalArgumentException("trained_betas[" + t + "] is " + trained.get(t));
                }
                betas[t] = trained.get(t).asDouble();
            }
            String known = SCHEDULE_NAMES.entrySet().stream().filter(e -> e.getValue().equals(name))
                    .map(Map.Entry::getKey).findFirst().orElse("trained");
            return new Schedule(known, betas);
        }
        return switch (name) {
            case "linear" -> Schedules.linear(steps, start, end);
            case "scaled_linear" -> Schedules.quadratic(steps, start, end);
            case "squaredcos_cap_v2" -> Schedules.cosine(steps);
            case "sigmoid" -> Schedules.sigmoid(steps, start, end);
            default -> throw refused("beta_schedule", name, "linear, scaled_linear, squaredcos_cap_v2 or sigmoid");
        };
    }
}

package org.ddpm4j.diffusion.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.ddpm4j.diffusion.GaussianDiffusion;
import org.ddpm4j.diffusion.LossType;
import org.ddpm4j.diffusion.MeanType;
import org.ddpm4j.diffusion.Schedule;
import org.ddpm4j.diffusion.Schedules;
import org.ddpm4j.diffusion.VarianceType;

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
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + ": no " + CONFIG + " (a diffusers pipeline keeps it in its scheduler/ folder)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        try {
            return new Reader(root).scheduler(learnedVariance);
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

    private static final class Reader {
        private final JsonNode root;
        private final Set<String> read = new HashSet<>();

        Reader(JsonNode root) {
            this.root = root;
        }

        Scheduler scheduler(boolean learnedVariance) {
            String className = text("_class_name", "DDPMScheduler");
            require(className.equals("DDPMScheduler"), "_class_name", className, "DDPMScheduler");
            Schedule schedule = schedule();
            MeanType mean = switch (text("prediction_type", "epsilon")) {
                case "epsilon" -> MeanType.EPSILON;
                case "sample" -> MeanType.X0;
                case "v_prediction" -> MeanType.VELOCITY;
                default -> throw refused("prediction_type", text("prediction_type", ""), "epsilon, sample or "
                        + "v_prediction");
            };
            // The _log forms compute the same variance in the log domain.
            VarianceType variance = switch (text("variance_type", "fixed_small")) {
                case "fixed_small", "fixed_small_log" -> VarianceType.FIXED_SMALL;
                case "fixed_large", "fixed_large_log" -> VarianceType.FIXED_LARGE;
                case "learned_range" -> VarianceType.LEARNED_RANGE;
                default -> throw refused("variance_type", text("variance_type", ""), "fixed_small, fixed_large or "
                        + "learned_range");
            };
            if ((variance == VarianceType.LEARNED_RANGE) != learnedVariance) {
                throw new IllegalArgumentException("variance_type " + text("variance_type", "") + " does not fit a "
                        + "U-Net " + (learnedVariance ? "that outputs a variance (out_channels = 2 × in_channels)"
                        : "without a variance output"));
            }
            boolean clip = bool("clip_sample", true);
            require(number("clip_sample_range", 1) == 1, "clip_sample_range",
                    Double.toString(number("clip_sample_range", 1)), "1.0");
            require(!bool("thresholding", false), "thresholding", "true", "false");
            require(!bool("rescale_betas_zero_snr", false), "rescale_betas_zero_snr", "true", "false");
            // Inert without thresholding.
            number("dynamic_thresholding_ratio", 0);
            number("sample_max_value", 0);
            // Only which timesteps diffusers visits with fewer steps; see the class comment.
            text("timestep_spacing", "leading");
            number("steps_offset", 0);
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!key.startsWith("_") && !read.contains(key)) {
                    throw new IllegalArgumentException("'" + key + "' is not a DDPMScheduler option ddpm4j reads");
                }
            }
            GaussianDiffusion diffusion = GaussianDiffusion.builder().schedule(schedule).meanType(mean)
                    .varianceType(variance)
                    // Sampling ignores the loss; a learned variance needs one that trains it.
                    .lossType(variance == VarianceType.LEARNED_RANGE ? LossType.HYBRID : LossType.SIMPLE)
                    .build();
            return new Scheduler(diffusion, clip);
        }

        private Schedule schedule() {
            double stepsValue = number("num_train_timesteps", 1000);
            require(stepsValue == Math.rint(stepsValue) && stepsValue >= 1 && stepsValue <= Schedule.MAX_STEPS,
                    "num_train_timesteps", Double.toString(stepsValue), "an integer from 1 to " + Schedule.MAX_STEPS);
            int steps = (int) stepsValue;
            double start = number("beta_start", 0.0001), end = number("beta_end", 0.02);
            String name = text("beta_schedule", "linear");
            JsonNode trained = root.get("trained_betas");
            read.add("trained_betas");
            if (trained != null && !trained.isNull()) {
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

        private static IllegalArgumentException refused(String key, String value, String supported) {
            return new IllegalArgumentException(key + " is " + value + "; ddpm4j supports " + supported);
        }

        private static void require(boolean ok, String key, String value, String supported) {
            if (!ok) {
                throw refused(key, value, supported);
            }
        }

        private JsonNode field(String key) {
            read.add(key);
            JsonNode v = root.get(key);
            return v == null || v.isNull() ? null : v;
        }

        private String text(String key, String otherwise) {
            JsonNode v = field(key);
            if (v != null && !v.isTextual()) {
                throw new IllegalArgumentException(key + " is " + v + ", not a string");
            }
            return v == null ? otherwise : v.asText();
        }

        private double number(String key, double otherwise) {
            JsonNode v = field(key);
            if (v != null && !v.isNumber()) {
                throw new IllegalArgumentException(key + " is " + v + ", not a number");
            }
            return v == null ? otherwise : v.asDouble();
        }

        private boolean bool(String key, boolean otherwise) {
            JsonNode v = field(key);
            if (v != null && !v.isBoolean()) {
                throw new IllegalArgumentException(key + " is " + v + ", not true or false");
            }
            return v == null ? otherwise : v.asBoolean();
        }
    }
}

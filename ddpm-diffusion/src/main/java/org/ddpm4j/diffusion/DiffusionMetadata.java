package org.ddpm4j.diffusion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A diffusion as checkpoint metadata: one JSON entry under {@link #KEY} holding the kind, the schedule (its name and
 * every β, so any schedule, respaced or user-made, reloads exactly), what the network predicts, the variance, the
 * loss and the kind of data. Files written before this entry existed held only a linear schedule and the variance;
 * they still load, as DDPM's defaults for everything else.
 */
public final class DiffusionMetadata {
    /** The metadata key of the diffusion's JSON description. */
    public static final String KEY = "diffusion";
    /** The linear schedule {@code "steps,start,end"} of files written before {@link #KEY}. */
    public static final String LEGACY_SCHEDULE_KEY = "diffusion_linear_schedule";
    /** The variance type of files written before {@link #KEY}; absent in the oldest ones: fixed large. */
    public static final String LEGACY_VARIANCE_KEY = "diffusion_variance";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DiffusionMetadata() {
    }

    /** The metadata entry that {@link #gaussian} turns back into an equal diffusion. */
    public static Map<String, String> describe(GaussianDiffusion d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "gaussian");
        ObjectNode schedule = n.putObject("schedule");
        schedule.put("name", d.schedule().name());
        ArrayNode betas = schedule.putArray("betas");
        for (int t = 0; t < d.schedule().steps(); t++) {
            betas.add(d.schedule().beta(t));
        }
        n.put("mean", d.meanType().name());
        n.put("variance", d.varianceType().name());
        n.put("variance_interpolation", d.varianceInterpolation());
        n.put("loss", d.lossType().name());
        if (d.minSnrGamma() > 0) {
            n.put("min_snr_gamma", d.minSnrGamma());
        }
        n.put("data", d.dataKind().name());
        return Map.of(KEY, n.toString());
    }

    /** The metadata entry of a binomial diffusion (its schedule follows from T alone). */
    public static Map<String, String> describe(BinomialDiffusion d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "binomial");
        n.put("steps", d.steps());
        return Map.of(KEY, n.toString());
    }

    /** Whether {@code meta} records a diffusion, in this format or the older one. */
    public static boolean present(Map<String, String> meta) {
        return meta.containsKey(KEY) || meta.containsKey(LEGACY_SCHEDULE_KEY);
    }

    /**
     * The Gaussian diffusion {@code meta} records.
     *
     * @throws IllegalArgumentException naming the key and what in it is missing or invalid
     */
    public static GaussianDiffusion gaussian(Map<String, String> meta) {
        String json = meta.get(KEY);
        if (json == null) {
            return legacy(meta);
        }
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata '" + KEY + "' is not valid JSON: " + e.getOriginalMessage(), e);
        }
        String kind = text(n, "kind");
        if (!kind.equals("gaussian")) {
            throw new IllegalArgumentException("metadata '" + KEY + "' records a " + kind + " diffusion, not a "
                    + "Gaussian one");
        }
        JsonNode schedule = n.get("schedule");
        if (schedule == null || !schedule.path("betas").isArray() || schedule.path("betas").isEmpty()) {
            throw new IllegalArgumentException("metadata '" + KEY + "' has no schedule with a non-empty 'betas' array");
        }
        JsonNode betaNodes = schedule.get("betas");
        double[] betas = new double[betaNodes.size()];
        for (int t = 0; t < betas.length; t++) {
            if (!betaNodes.get(t).isNumber()) {
                throw new IllegalArgumentException("metadata '" + KEY + "': β[" + t + "] is " + betaNodes.get(t)
                        + ", not a number");
            }
            betas[t] = betaNodes.get(t).asDouble();
        }
        return GaussianDiffusion.builder()
                .schedule(new Schedule(text(schedule, "name"), betas))
                .meanType(constant(MeanType.class, n, "mean"))
                .varianceType(constant(VarianceType.class, n, "variance"))
                .varianceInterpolation(number(n, "variance_interpolation"))
                .lossType(constant(LossType.class, n, "loss"))
                .dataKind(constant(DataKind.class, n, "data"))
                .minSnrGamma(n.has("min_snr_gamma") ? number(n, "min_snr_gamma") : 0)
                .build();
    }

    /** A file of the older format: a linear schedule, the variance, and the loss that variance implies. */
    private static GaussianDiffusion legacy(Map<String, String> meta) {
        String sched = meta.get(LEGACY_SCHEDULE_KEY);
        if (sched == null) {
            throw new IllegalArgumentException("no diffusion recorded (metadata '" + KEY + "' is missing)");
        }
        String[] parts = sched.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException("metadata '" + LEGACY_SCHEDULE_KEY + "' is '" + sched
                    + "', expected 'steps,start,end'");
        }
        String varianceName = meta.getOrDefault(LEGACY_VARIANCE_KEY, VarianceType.FIXED_LARGE.name());
        try {
            VarianceType variance = VarianceType.valueOf(varianceName);
            return GaussianDiffusion.builder()
                    .schedule(Schedules.linear(Integer.parseInt(parts[0].trim()), Double.parseDouble(parts[1]),
                            Double.parseDouble(parts[2])))
                    .varianceType(variance)
                    .lossType(LossType.forVariance(variance))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata '" + LEGACY_SCHEDULE_KEY + "' '" + sched + "' or '"
                    + LEGACY_VARIANCE_KEY + "' '" + varianceName + "' is not valid: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("metadata '" + KEY + "': field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("metadata '" + KEY + "': field '" + field + "' is missing or not a number");
        }
        return v.asDouble();
    }

    private static <E extends Enum<E>> E constant(Class<E> type, JsonNode n, String field) {
        String name = text(n, field);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata '" + KEY + "': field '" + field + "' is '" + name
                    + "', not one of " + java.util.Arrays.toString(type.getEnumConstants()), e);
        }
    }
}

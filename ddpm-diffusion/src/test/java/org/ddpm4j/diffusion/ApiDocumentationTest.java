package org.ddpm4j.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type, constructor and method of the public API carries a javadoc comment: all of ddpm-diffusion and
 * the model builders of ddpm-nn. (javadoc's own "missing" lint also demands every @param and @return, which the
 * build does not; overriding methods inherit their interface's comment.)
 */
class ApiDocumentationTest {
    private static final Path DIFFUSION = Path.of("src/main/java");
    private static final Path NN = Path.of("../ddpm-nn/src/main/java/org/ddpm4j/nn");
    private static final List<String> MODEL_BUILDERS = List.of("Denoiser.java", "UNet.java", "UNetConfig.java",
            "MlpDenoiser.java", "ForwardContext.java", "Parameter.java", "optim/Adam.java", "optim/Ema.java",
            "ImageClassifier.java", "CrossEntropy.java");
    private static final Pattern DECLARATION = Pattern.compile(
            "(public|protected)\\s+(?!.*\\bclass\\b.*\\{\\s*$).*\\(.*|public\\s+(static\\s+)?(final\\s+|abstract\\s+|sealed\\s+)?(class|interface|record|enum)\\s.*");

    @Test
    void everyPublicDeclarationHasAComment() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(DIFFUSION)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        }
        MODEL_BUILDERS.forEach(f -> files.add(NN.resolve(f)));
        List<String> undocumented = new ArrayList<>();
        for (Path f : files) {
            undocumented.addAll(undocumented(f));
        }
        assertTrue(files.size() > 40, "found the sources: " + files.size());
        assertEquals(List.of(), undocumented);
    }

    /** {@code file:line: declaration} for each public declaration without a comment right above it. */
    static List<String> undocumented(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file), out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            if (!DECLARATION.matcher(s).matches()) {
                continue;
            }
            int j = i - 1;
            boolean overrides = false;
            while (j >= 0 && lines.get(j).strip().startsWith("@")) {
                overrides |= lines.get(j).strip().startsWith("@Override");
                j--;
            }
            if (!overrides && (j < 0 || !lines.get(j).strip().endsWith("*/"))) {
                out.add(file + ":" + (i + 1) + ": " + s);
            }
        }
        return out;
    }
}

package org.ddpm4j.nn.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddpm4j.tensor.Tensor;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
 * byte range, then the raw little-endian data), so Python users open our files with {@code safetensors} or plain
 * {@code struct} + {@code numpy}. Tensors are written as float32 ({@code F32}); F16 and BF16 are read too.
 *
 * <p>Writing goes to {@link #temporaryFile} beside the target, is forced to disk and renamed over the target, and the
 * directory is forced after the rename, so a crash never leaves a half-written checkpoint; a temporary file left by
 * a killed save is reused by the next one. Reading checks the header length against the file, the JSON (no duplicate
 * names, nothing after it but padding), every dtype, shape (element counts never wrap) and offset range, and that
 * ranges neither overlap nor leave gaps, all before it allocates a tensor; a bad file gives an {@link IOException}
 * that says what is wrong and where.
 */
public final class SafeTensors {
    /** Headers larger than this are refused: a corrupted length must not make us allocate gigabytes. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final String METADATA = "__metadata__";
    /** Strict: a second key of one name, or anything but padding after the header's JSON, is an error. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    /** The suffix of the temporary file a save writes next to its target before renaming it over the target. */
    public static final String TEMP_SUFFIX = ".tmp";

    /** The contents of one file: tensors in file order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    /** Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file}, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a file to write tensors to");
        }
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
            }
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().size();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to a multiple of 8
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // One fixed name per target: a save killed half-way leaves this file, and the next save truncates and
        // reuses it. Created like any file (mode from the umask), not 0600 as createTempFile would.
        Path tmp = temporaryFile(file);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(len.array());
                out.write(json);
                for (int i = json.length; i < padded; i++) {
                    out.write(' ');
                }
                ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) {
                    for (float v : t.toArray()) {
                        if (!chunk.hasRemaining()) {
                            out.write(chunk.array(), 0, chunk.position());
                            chunk.clear();
                        }
                        chunk.putFloat(v);
                    }
                }
                out.write(chunk.array(), 0, chunk.position());
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Where {@link #write} puts the data before renaming it over {@code file}: {@code .NAME.tmp} beside it. */
    public static Path temporaryFile(Path file) {
        return file.toAbsolutePath().resolveSibling("." + file.getFileName() + TEMP_SUFFIX);
    }

    /**
     * The rename is durable only once the directory entry is on disk. Linux and macOS allow opening a directory
     * for this; where a platform refuses (Windows), the rename is as durable as that platform makes it.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Not supported here: nothing more to do.
        }
    }

    /**
     * Reads and validates a file written by us or by the Python {@code safetensors} package; F16 and BF16 tensors are
     * widened to float32 exactly.
     */
    public static Contents read(Path file) throws IOException {
        long size = Files.size(file);
        String where = file.toString();
        if (size < 8) {
            throw new IOException(where + ": " + size + " bytes, too short for a safetensors header length");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0, where);
            long headerLen = len.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw new IOException(where + ": header length " + headerLen + " at offset 0 is impossible for a file of "
                        + size + " bytes");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBytes, 8, where);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new IOException(where + ": header (bytes 8.." + (8 + headerLen) + ") is not valid JSON: "
                        + e.getOriginalMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw new IOException(where + ": header is not a JSON object");
            }
            long dataStart = 8 + headerLen, dataLen = size - dataStart;
            Map<String, String> metadata = readMetadata(header, where);
            List<Entry> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getKey().equals(METADATA)) {
                    entries.add(Entry.parse(f.getKey(), f.getValue(), dataLen, where));
                }
            }
            checkCoverage(entries, dataLen, where);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer raw = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, raw, dataStart + e.begin, where);
                tensors.put(e.name, Tensor.of(e.dtype.decode(raw.flip()), e.shape));
            }
            return new Contents(tensors, metadata);
        }
    }

    /** The element types read: float32, and the half-precision forms published weights also come in (widened). */
    private enum DType {
        F32(4), F16(2), BF16(2);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        float[] decode(ByteBuffer raw) {
            float[] values = new float[raw.remaining() / bytes];
            switch (this) {
                case F32 -> raw.asFloatBuffer().get(values);
                case F16 -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = Float.float16ToFloat(raw.getShort());
                    }
                }
                case BF16 -> {
                    // bfloat16 is the upper half of a float32.
                    for (int i = 0; i < values.length; i++) {
                        values[i] = Float.intBitsToFloat((raw.getShort() & 0xffff) << 16);
                    }
                }
            }
            return values;
        }
    }

    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        static Entry parse(String name, JsonNode node, long dataLen, String where) throws IOException {
            String at = where + ": tensor '" + name + "'";
            if (!node.isObject()) {
                throw new IOException(at + " is not a JSON object");
            }
            String dtypeName = node.path("dtype").asText("");
            DType dtype;
            try {
                dtype = DType.valueOf(dtypeName);
            } catch (IllegalArgumentException e) {
                throw new IOException(at + " has dtype '" + dtypeName + "'; only F32, F16 and BF16 are read");
            }
            JsonNode shapeNode = node.path("shape"), offsets = node.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new IOException(at + " needs a shape array and two data_offsets");
            }
            int[] shape = new int[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = shapeNode.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0) {
                    throw new IOException(at + " has a bad dimension " + d + " in its shape");
                }
                shape[i] = d.asInt();
            }
            long count = Tensor.elementCount(shape);
            if (!offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                    || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
                throw new IOException(at + " has non-integer data_offsets " + offsets);
            }
            long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLen) {
                throw new IOException(at + ": data_offsets [" + begin + ", " + end + ") outside the " + dataLen
                        + " data bytes (file truncated?)");
            }
            if (count > Tensor.MAX_ELEMENTS || end - begin != dtype.bytes * count) {
                throw new IOException(at + ": shape " + java.util.Arrays.toString(shape) + " needs "
                        + (count > Tensor.MAX_ELEMENTS ? "more than 2^33" : Long.toString(dtype.bytes * count))
                        + " bytes but data_offsets [" + begin + ", " + end + ") hold " + (end - begin));
            }
            return new Entry(name, dtype, shape, begin, end);
        }
    }

    private static Map<String, String> readMetadata(JsonNode header, String where) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = header.get(METADATA);
        if (meta == null) {
            return metadata;
        }
        if (!meta.isObject()) {
            throw new IOException(where + ": " + METADATA + " is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw new IOException(where + ": metadata '" + f.getKey() + "' is not a string");
            }
            metadata.put(f.getKey(), f.getValue().asText());
        }
        return metadata;
    }

    /** The byte ranges must tile the data section exactly: no overlap, no gap, nothing after the last tensor. */
    private static void checkCoverage(List<Entry> entries, long dataLen, String where) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(java.util.Comparator.comparingLong(Entry::begin));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin != expected) {
                throw new IOException(where + ": tensor '" + e.name + "' starts at data byte " + e.begin + " but "
                        + (e.begin < expected ? "overlaps the previous tensor" : "the previous one ends at " + expected));
            }
            expected = e.end;
        }
        if (expected != dataLen) {
            throw new IOException(where + ": tensors end at data byte " + expected + " but the file has " + dataLen
                    + " data bytes");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String where) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException(where + ": unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }
}

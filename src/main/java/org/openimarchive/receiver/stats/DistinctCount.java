package org.openimarchive.receiver.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.theta.CompactSketch;
import org.apache.datasketches.theta.SetOperation;
import org.apache.datasketches.theta.Sketch;
import org.apache.datasketches.theta.Union;
import org.apache.datasketches.theta.UpdateSketch;

/**
 * A count of distinct strings in bounded memory: an Apache DataSketches Theta sketch,
 * exact up to {@value #NOMINAL_ENTRIES} distinct values and an estimate beyond, with a
 * relative standard error of {@value #RELATIVE_STANDARD_ERROR}. Values are added to a sketch
 * of its own; the counts of other periods (audit files counted before) are merged in as a
 * union, which does not depend on the order of merging. At most about 200 KiB.
 */
final class DistinctCount {

    static final int NOMINAL_ENTRIES = 8192;
    /** 1/sqrt(k) for a Theta sketch of k nominal entries. */
    static final double RELATIVE_STANDARD_ERROR = 0.011;
    /** The most a written sketch takes: a header and two entries per nominal entry. */
    private static final int MAX_BYTES = 64 + 16 * NOMINAL_ENTRIES;

    private final UpdateSketch sketch = UpdateSketch.builder().setNominalEntries(NOMINAL_ENTRIES).build();
    /** What was merged in, kept as a union that more can join; null before anything was. */
    private Union merged;

    void add(String value) {
        sketch.update(value);
    }

    /** Adds everything {@code other} counts. */
    void merge(DistinctCount other) {
        merge(other.result());
    }

    private void merge(Sketch other) {
        if (other.isEmpty()) {
            return;
        }
        if (merged == null) {
            merged = SetOperation.builder().setNominalEntries(NOMINAL_ENTRIES).buildUnion();
        }
        merged.union(other);
    }

    /** What this count holds: its own values and what was merged in. */
    Sketch result() {
        if (merged == null) {
            return sketch;
        }
        return sketch.isEmpty() ? merged.getResult() : union(merged.getResult(), sketch);
    }

    void write(DataOutput out) throws IOException {
        byte[] bytes = result().compact().toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Merges in a count that {@link #write} wrote. */
    void read(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_BYTES) {
            throw new IOException("not the length of a sketch: " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        merge(CompactSketch.heapify(Memory.wrap(bytes)));
    }

    void appendJson(StringBuilder out) {
        appendJson(out, result());
    }

    /**
     * Appends the count of the strings added to {@code a} or {@code b}: their union, drawn
     * from the two sketches when asked, so that no string has to be counted twice.
     */
    static void appendUnionJson(StringBuilder out, DistinctCount a, DistinctCount b) {
        appendJson(out, union(a.result(), b.result()));
    }

    private static CompactSketch union(Sketch a, Sketch b) {
        Union union = SetOperation.builder().setNominalEntries(NOMINAL_ENTRIES).buildUnion();
        union.union(a);
        union.union(b);
        return union.getResult();
    }

    private static void appendJson(StringBuilder out, Sketch sketch) {
        long count = Math.round(sketch.getEstimate());
        out.append("{\"count\":").append(count);
        if (sketch.isEstimationMode()) {
            out.append(",\"exact\":false,\"lowerBound95\":").append((long) Math.floor(sketch.getLowerBound(2)))
                    .append(",\"upperBound95\":").append((long) Math.ceil(sketch.getUpperBound(2)));
        } else {
            out.append(",\"exact\":true");
        }
        out.append('}');
    }
}

package org.openimarchive.receiver.stats;

import org.apache.datasketches.theta.SetOperation;
import org.apache.datasketches.theta.Sketch;
import org.apache.datasketches.theta.Union;
import org.apache.datasketches.theta.UpdateSketch;

/**
 * A count of distinct strings in bounded memory: an Apache DataSketches Theta sketch,
 * exact up to {@value #NOMINAL_ENTRIES} distinct values and an estimate beyond, with a
 * relative standard error of {@value #RELATIVE_STANDARD_ERROR}. At most about 128 KiB.
 */
final class DistinctCount {

    static final int NOMINAL_ENTRIES = 8192;
    /** 1/sqrt(k) for a Theta sketch of k nominal entries. */
    static final double RELATIVE_STANDARD_ERROR = 0.011;

    private final UpdateSketch sketch = UpdateSketch.builder().setNominalEntries(NOMINAL_ENTRIES).build();

    void add(String value) {
        sketch.update(value);
    }

    void appendJson(StringBuilder out) {
        appendJson(out, sketch);
    }

    /**
     * Appends the count of the strings added to {@code a} or {@code b}: their union, drawn
     * from the two sketches when asked, so that no string has to be counted twice.
     */
    static void appendUnionJson(StringBuilder out, DistinctCount a, DistinctCount b) {
        Union union = SetOperation.builder().setNominalEntries(NOMINAL_ENTRIES).buildUnion();
        union.union(a.sketch);
        union.union(b.sketch);
        appendJson(out, union.getResult());
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

package dev.raptor.core.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A record made again with one member changed at a time: for the tests that hold a hand-written comparison (a kept
 * value given again while its sources are unchanged) to every member of the record, so that a member added to the
 * record but not to the comparison fails the build.
 */
public final class RecordVariants {
    private RecordVariants() {
    }

    /** {@code record} with its member {@code member} changed. */
    public record Variant<R>(String member, R record) {
    }

    /**
     * {@code made} with each member in turn replaced by {@code other}'s value for it ({@code other} takes the member's
     * value and type), in the record's order.
     */
    @SuppressWarnings("unchecked")
    public static <R extends Record> List<Variant<R>> eachMemberChanged(R made, BiFunction<Object, Class<?>, Object> other)
            throws ReflectiveOperationException {
        RecordComponent[] members = made.getClass().getRecordComponents();
        Constructor<?> canonical = made.getClass().getDeclaredConstructor(
                Arrays.stream(members).map(RecordComponent::getType).toArray(Class<?>[]::new));
        canonical.setAccessible(true);
        List<Variant<R>> out = new ArrayList<>();
        for (int i = 0; i < members.length; i++) {
            Object[] values = new Object[members.length];
            for (int j = 0; j < members.length; j++) {
                members[j].getAccessor().setAccessible(true);
                values[j] = members[j].getAccessor().invoke(made);
            }
            values[i] = other.apply(values[i], members[i].getType());
            out.add(new Variant<>(members[i].getName(), (R) canonical.newInstance(values)));
        }
        return out;
    }
}

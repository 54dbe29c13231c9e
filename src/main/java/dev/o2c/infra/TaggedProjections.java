package dev.o2c.infra;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.AtLeastOnceProjection;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;

/**
 * Runs a projection over an entity type's tagged events: one instance per tag bucket, spread
 * over the cluster by Sharded Daemon Process, each at-least-once with its offset in Cassandra. A
 * handler must therefore be idempotent (keyed upserts, idempotent commands), never a counter.
 */
public final class TaggedProjections {

  private TaggedProjections() {}

  /** Starts projection {@code name} over the tags {@code tagPrefix-0 .. tagPrefix-(buckets-1)}. */
  public static <E> void start(
      ActorSystem<?> system, String name, String tagPrefix, int buckets, Supplier<Handler<EventEnvelope<E>>> handler) {
    List<String> tags = IntStream.range(0, buckets).mapToObj(i -> tagPrefix + "-" + i).toList();
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        name,
        tags.size(),
        i -> ProjectionBehavior.create(projection(system, name, tags.get(i), handler)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  /**
   * Starts projection {@code name} over the tags {@code tagPrefix-0 .. tagPrefix-(buckets-1)}, its
   * handler given what queued while it handled the last group (up to {@code groupSize} envelopes,
   * waiting at most {@code groupWithin} for more), reading through the query plugin
   * {@code readJournal}; {@code handler} is given the instance's tag.
   */
  public static <E> void startGrouped(
      ActorSystem<?> system, String name, String tagPrefix, int buckets, int groupSize, Duration groupWithin, String readJournal,
      Function<String, Handler<List<EventEnvelope<E>>>> handler) {
    List<String> tags = IntStream.range(0, buckets).mapToObj(i -> tagPrefix + "-" + i).toList();
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        name,
        tags.size(),
        i -> ProjectionBehavior.create(CassandraProjection.groupedWithin(
                ProjectionId.of(name, tags.get(i)), EventSourcedProvider.<E>eventsByTag(system, readJournal, tags.get(i)),
                () -> handler.apply(tags.get(i)))
            .withGroup(groupSize, groupWithin)
            .withRestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** The ids of projection {@code name}'s instances. */
  public static List<ProjectionId> ids(String name, String tagPrefix, int buckets) {
    return IntStream.range(0, buckets).mapToObj(i -> ProjectionId.of(name, tagPrefix + "-" + i)).toList();
  }

  private static <E> AtLeastOnceProjection<Offset, EventEnvelope<E>> projection(
      ActorSystem<?> system, String name, String tag, Supplier<Handler<EventEnvelope<E>>> handler) {
    SourceProvider<Offset, EventEnvelope<E>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.atLeastOnce(ProjectionId.of(name, tag), source, handler)
        .withSaveOffset(100, Duration.ofMillis(500))
        .withRestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
  }
}

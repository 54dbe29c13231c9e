package dev.o2c.infra;

import com.typesafe.config.Config;

/** Where an entity's events are journaled. */
public final class Journals {

  /**
   * The journal of entities whose events no projection reads: the same Cassandra tables, through a
   * plugin instance with events-by-tag off, so that starting such an entity writes no tag scanning
   * progress (config/persistence.conf, {@code o2c.persistence.untagged}).
   */
  public static final String UNTAGGED = "o2c.persistence.untagged.journal";

  private static final String CASSANDRA = "pekko.persistence.cassandra.journal";

  private Journals() {}

  /**
   * The journal plugin id for untagged entities under this configuration: {@link #UNTAGGED} where
   * the journal is Cassandra's, else "" — the configured journal (tests with an in-memory one).
   */
  public static String untagged(Config config) {
    return CASSANDRA.equals(config.getString("pekko.persistence.journal.plugin")) ? UNTAGGED : "";
  }
}

package dev.o2c.infra.cassandra;

import java.io.IOException;

/**
 * Entry point of the embedded Cassandra node's child JVM.
 *
 * <p>It starts {@code org.apache.cassandra.service.CassandraDaemon} (found by reflection: this
 * class is compiled without cassandra-all, which must never be on the server's classpath) and
 * watches its standard input, a pipe the server holds open. When the server process ends for any
 * reason, even SIGKILL, the operating system closes the pipe and this node shuts itself down
 * through Cassandra's own shutdown hook (which drains), so no orphan node is ever left behind.
 * Uses only the JDK.
 */
public final class CassandraMain {

  private CassandraMain() {}

  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(CassandraMain::exitWhenParentGoes, "o2c-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Class.forName("org.apache.cassandra.service.CassandraDaemon")
        .getMethod("main", String[].class)
        .invoke(null, (Object) args);
  }

  private static void exitWhenParentGoes() {
    try {
      while (System.in.read() != -1) {
        // The server never writes; anything read is ignored until end of stream.
      }
    } catch (IOException e) {
      // A broken pipe means the same as end of stream: the server is gone.
    }
    System.exit(0);
  }
}

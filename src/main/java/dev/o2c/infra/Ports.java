package dev.o2c.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/** Checks, before anything starts, that the ports the server needs are free. */
public final class Ports {

  /** One port the process is about to bind, with what it is for and how to change it. */
  public record Need(String host, int port, String purpose, String setting) {}

  private Ports() {}

  /**
   * Fails at once, naming the port, what it is for and the setting that changes it, when any of
   * the given ports cannot be bound. Port 0 (let the system choose) is never checked.
   */
  public static void requireFree(List<Need> needs) {
    for (Need need : needs) {
      if (need.port() == 0) {
        continue;
      }
      if (!isFree(need.host(), need.port())) {
        throw new PortInUseException(
            "Port "
                + need.port()
                + " on "
                + need.host()
                + " ("
                + need.purpose()
                + ") is already in use. Stop whatever holds it, or choose another port with "
                + need.setting()
                + ".");
      }
    }
  }

  /** True when a server socket can be bound to host:port right now. */
  public static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port that was free on 127.0.0.1 a moment ago (for tests and the embedded node's JMX). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("No free port on 127.0.0.1", e);
    }
  }
}

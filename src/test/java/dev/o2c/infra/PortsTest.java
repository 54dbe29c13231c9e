package dev.o2c.infra;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void a_taken_port_fails_naming_the_port_its_purpose_and_the_setting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      var e = assertThrows(
          PortInUseException.class,
          () -> Ports.requireFree(List.of(new Ports.Need("127.0.0.1", port, "HTTP API", "o2c.http.port (env O2C_HTTP_PORT)"))));
      assertTrue(e.getMessage().contains("Port " + port), e.getMessage());
      assertTrue(e.getMessage().contains("HTTP API"), e.getMessage());
      assertTrue(e.getMessage().contains("o2c.http.port (env O2C_HTTP_PORT)"), e.getMessage());
    }
  }

  @Test
  void free_ports_and_port_zero_pass() {
    int free = Ports.freePort();
    assertDoesNotThrow(
        () -> Ports.requireFree(List.of(new Ports.Need("127.0.0.1", free, "x", "y"), new Ports.Need("127.0.0.1", 0, "x", "y"))));
  }
}

package dev.o2c.infra;

/** A port the server needs is taken; the message names the port and the setting that moves it. */
public final class PortInUseException extends RuntimeException {
  public PortInUseException(String message) {
    super(message);
  }
}

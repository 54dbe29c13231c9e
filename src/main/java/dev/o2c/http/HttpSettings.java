package dev.o2c.http;

import com.typesafe.config.Config;
import java.time.Duration;

/** The HTTP gateway's settings ({@code o2c.http} in config/http.conf). */
public record HttpSettings(
    String host, int port, long maxBodySize, long maxBatchBodySize, Duration askTimeout, Duration drainTimeout) {

  public static HttpSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.http");
    return new HttpSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getBytes("max-body-size"),
        c.getBytes("max-batch-body-size"),
        c.getDuration("ask-timeout"),
        c.getDuration("drain-timeout"));
  }
}

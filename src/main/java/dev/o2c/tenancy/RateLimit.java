package dev.o2c.tenancy;

import com.typesafe.config.Config;

/**
 * How many requests an API key may make: {@code requestsPerSecond} on average, {@code burst} at
 * once (a token bucket per key and node). From {@code rate-limit} on the key, else
 * {@code o2c.http.rate-limit}.
 */
public record RateLimit(double requestsPerSecond, int burst) {

  public RateLimit {
    if (!(requestsPerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("A rate limit needs requests-per-second > 0 and burst >= 1");
    }
  }

  static RateLimit fromConfig(Config c) {
    return new RateLimit(c.getDouble("requests-per-second"), c.getInt("burst"));
  }
}

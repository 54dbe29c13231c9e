package dev.o2c.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** OpenBalances reads what the Cassandra driver writes for a {@code map<date, decimal>}, entry for entry. */
class OpenBalancesProperties {

  private static final TypeCodec<Map<LocalDate, BigDecimal>> CODEC = TypeCodecs.mapOf(TypeCodecs.DATE, TypeCodecs.DECIMAL);

  @Property(tries = 500)
  void decodes_what_the_driver_encodes(@ForAll("balances") Map<LocalDate, BigDecimal> balances) {
    for (ProtocolVersion version : List.of(ProtocolVersion.V4, ProtocolVersion.V5)) {
      assertEquals(balances, toMap(OpenBalances.decode(CODEC.encode(balances, version))),
          "same dates, same amounts at the same scale, in the same order");
    }
    assertEquals(balances, toMap(OpenBalances.of(balances)));
  }

  @Provide
  Arbitrary<Map<LocalDate, BigDecimal>> balances() {
    // dates from before 1970 to far ahead (the unsigned day count around 2^31); amounts small and
    // beyond a long's range, negative (a credit) and zero, at the scales of currencies and others
    Arbitrary<LocalDate> dates = Arbitraries.longs().between(-800_000, 800_000).map(LocalDate::ofEpochDay);
    Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(
        Arbitraries.longs().map(BigInteger::valueOf),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
        Arbitraries.of(BigInteger.ZERO, BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE),
            BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE), BigInteger.valueOf(-128), BigInteger.valueOf(127),
            BigInteger.valueOf(128)));
    Arbitrary<BigDecimal> amounts = Combinators.combine(unscaled, Arbitraries.integers().between(-2, 6)).as(BigDecimal::new);
    return Arbitraries.maps(dates, amounts).ofMaxSize(120).map(LinkedHashMap::new);
  }

  @Test
  void no_map_is_no_balances() {
    assertEquals(0, OpenBalances.decode(null).size());
    assertEquals(0, OpenBalances.decode(ByteBuffer.allocate(0)).size());
  }

  @Test
  void bytes_of_another_type_are_refused() {
    ByteBuffer text = TypeCodecs.mapOf(TypeCodecs.TEXT, TypeCodecs.DECIMAL)
        .encode(Map.of("2026-11-30", BigDecimal.ONE), ProtocolVersion.V4);
    assertThrows(IllegalStateException.class, () -> OpenBalances.decode(text));
    ByteBuffer count = ByteBuffer.allocate(8).putInt(0, 1_000_000);
    assertThrows(IllegalStateException.class, () -> OpenBalances.decode(count));
  }

  private static Map<LocalDate, BigDecimal> toMap(OpenBalances open) {
    Map<LocalDate, BigDecimal> m = new LinkedHashMap<>();
    for (int i = 0; i < open.size(); i++) {
      m.put(LocalDate.ofEpochDay(open.epochDay(i)), open.amount(i));
    }
    return m;
  }
}

package dev.o2c.reports;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Map;

/**
 * A customer's open balances by date (due or issue), as two arrays: the dates as epoch days and
 * the amounts. The AR aging of a tenant's 100,000 open invoices sums these; read straight from
 * the bytes of a CQL {@code frozen<map<date, decimal>>} ({@link #decode}) it avoids building a
 * map of 100 dates for each of 1,000 customers on every request (the cost a profile of the
 * aging showed: the driver's map, a sorted copy, and a {@code BigInteger} per amount).
 */
public final class OpenBalances {

  public static final OpenBalances NONE = new OpenBalances(new int[0], new BigDecimal[0]);

  private final int[] epochDays;
  private final BigDecimal[] amounts;

  private OpenBalances(int[] epochDays, BigDecimal[] amounts) {
    this.epochDays = epochDays;
    this.amounts = amounts;
  }

  public static OpenBalances of(Map<LocalDate, BigDecimal> byDate) {
    int[] days = new int[byDate.size()];
    BigDecimal[] values = new BigDecimal[byDate.size()];
    int i = 0;
    for (var e : byDate.entrySet()) {
      days[i] = Math.toIntExact(e.getKey().toEpochDay());
      values[i++] = e.getValue();
    }
    return new OpenBalances(days, values);
  }

  /**
   * The balances in the serialized form of a CQL {@code map<date, decimal>} (native protocol v4
   * and later): an int count, then each key and value as an int length and its bytes; a date is
   * an unsigned int of days with the epoch at 2^31, a decimal an int scale and the unscaled value
   * as a big-endian two's-complement varint. {@code null} (no map) is no balances; other bytes
   * are the server's data gone wrong ({@link IllegalStateException}).
   */
  public static OpenBalances decode(ByteBuffer bytes) {
    if (bytes == null || !bytes.hasRemaining()) {
      return NONE;
    }
    ByteBuffer in = bytes.duplicate();
    int n = in.getInt();
    if (n < 0 || n > in.remaining() / 16) {
      throw new IllegalStateException("not a map<date, decimal>: " + n + " entries in " + in.remaining() + " bytes");
    }
    int[] days = new int[n];
    BigDecimal[] values = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      expect(in.getInt(), 4, "date");
      days[i] = (int) ((in.getInt() & 0xffffffffL) - (1L << 31));
      int length = in.getInt();
      if (length < 5) {
        throw new IllegalStateException("not a decimal of " + length + " bytes");
      }
      int scale = in.getInt();
      values[i] = unscaled(in, length - 4, scale);
    }
    return new OpenBalances(days, values);
  }

  private static BigDecimal unscaled(ByteBuffer in, int length, int scale) {
    if (length <= 8) {
      long v = in.get(); // sign-extended first byte
      for (int i = 1; i < length; i++) {
        v = (v << 8) | (in.get() & 0xff);
      }
      return BigDecimal.valueOf(v, scale);
    }
    byte[] b = new byte[length];
    in.get(b);
    return new BigDecimal(new BigInteger(b), scale);
  }

  private static void expect(int length, int expected, String what) {
    if (length != expected) {
      throw new IllegalStateException("not a " + what + " of " + length + " bytes");
    }
  }

  public int size() {
    return epochDays.length;
  }

  /** The date of the {@code i}th balance, in days since 1970-01-01. */
  public int epochDay(int i) {
    return epochDays[i];
  }

  public BigDecimal amount(int i) {
    return amounts[i];
  }

  /** The sum of the balances. */
  public BigDecimal total() {
    BigDecimal sum = BigDecimal.ZERO;
    for (BigDecimal amount : amounts) {
      sum = sum.add(amount);
    }
    return sum;
  }
}

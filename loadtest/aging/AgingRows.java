import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Writes synthetic rows of what customers have open (report_open) for the AR aging read benchmark
 * (loadtest/aging-read-bench.sh): customers c-0 .. c-(n-1) of tenant "dev", each with an open
 * balance on each of `dates` due dates (and issue dates) spread over the 200 days before today.
 *
 *   java -cp <driver jars> AgingRows.java host:port keyspace customers dates
 */
public class AgingRows {
  public static void main(String[] args) {
    String[] hostPort = args[0].split(":");
    String keyspace = args[1];
    int customers = Integer.parseInt(args[2]);
    int dates = Integer.parseInt(args[3]);
    LocalDate today = LocalDate.now();
    try (CqlSession session = CqlSession.builder().addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
        .withLocalDatacenter("datacenter1").build()) {
      PreparedStatement insert = session.prepare("INSERT INTO " + keyspace + ".report_open (tenant, customer_id, currency, open_by_due, "
          + "open_by_issue, unapplied, account_credit) VALUES ('dev', ?, 'EUR', ?, ?, ?, ?)");
      List<CompletableFuture<?>> writes = new ArrayList<>();
      BigDecimal total = BigDecimal.ZERO;
      for (int c = 0; c < customers; c++) {
        Map<LocalDate, BigDecimal> byDue = new TreeMap<>();
        Map<LocalDate, BigDecimal> byIssue = new TreeMap<>();
        for (int d = 0; d < dates; d++) {
          BigDecimal amount = new BigDecimal("11.90");
          byDue.merge(today.minusDays((d * 2L + c) % 200 - 60), amount, BigDecimal::add);
          byIssue.merge(today.minusDays((d * 2L + c) % 200), amount, BigDecimal::add);
          total = total.add(amount);
        }
        BoundStatement s = insert.bind("c-" + c, byDue, byIssue, new BigDecimal("0.00"), new BigDecimal("0.00"));
        writes.add(session.executeAsync(s).toCompletableFuture());
        if (writes.size() >= 64) {
          CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
          writes.clear();
        }
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
      System.out.println("report_open: " + customers + " customers x " + dates + " open invoices (due dates), total " + total + " EUR");
    }
  }
}

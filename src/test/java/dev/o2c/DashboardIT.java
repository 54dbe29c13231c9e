package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.support.Http;
import dev.o2c.support.TestServer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless browser (Debian's chromium, installed by ops/install-browser.sh
 * during the test command) against a whole server on the real Cassandra node: it signs in with a
 * key, loads without a console error, draws every chart, shows the API's numbers for a known data
 * set, and loads nothing from anywhere else. A screenshot goes to target/dashboard.png (the one in
 * docs/ is a copy of it).
 */
class DashboardIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static TestServer server;
  private static WebDriver browser;
  private static String base;

  @BeforeAll
  static void start() {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromedriver are needed: run ops/install-browser.sh as root (mvn verify does it)");
    server = TestServer.start("dashboard_it", Map.of("o2c.test-clock.enabled", true));
    base = server.http().baseUrl();
    LocalDate t0 = LocalDate.parse(server.get("/v1/admin/clock").json().get("today").asText());
    customer("dash-a", 14, "10000");
    customer("dash-b", 30, "10000");
    customer("dash-c", 30, "100");
    order("dash-a", "web", "100.00", 2, "o-da-1");
    order("dash-a", "store", "40.00", 1, "o-da-2");
    order("dash-b", "web", "250.00", 1, "o-db-1");
    order("dash-c", "web", "500.00", 1, "o-dc-1"); // over dash-c's credit limit: on hold
    Http.Response paid = server.postJson("/v1/payments", "{\"customerId\":\"dash-a\",\"amount\":\"238.00\",\"currency\":\"EUR\"}", "pay-da");
    assertEquals(201, paid.status(), paid.body());
    Http.Response more = server.postJson("/v1/payments", "{\"customerId\":\"dash-b\",\"amount\":\"50.00\",\"currency\":\"EUR\"}", "pay-db");
    assertEquals(201, more.status(), more.body());
    assertEquals(200, server.postJson("/v1/admin/clock", "{\"date\":\"" + t0.plusDays(20) + "\"}", null).status());
    // Every event is in the reports: dash-a owes 47.60, dash-b 297.50 - 50.00 = 247.50.
    await("/v1/reports/ar-aging", r -> r.get("currencies").size() == 1
        && r.get("currencies").get(0).get("total").get("total").asText().equals("295.10"));
    await("/v1/orders?status=ON_HOLD", r -> r.get("orders").size() == 1);
    await("/v1/reports/cycle-time?currency=EUR", r -> r.get("period").get("stages").get(0).get("count").asInt() == 1);

    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,1500",
        "--hide-scrollbars");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  private static void customer(String id, int terms, String limit) {
    Http.Response r = server.postJson("/v1/customers", "{\"customerId\":\"" + id + "\",\"name\":\"C\",\"currency\":\"EUR\",\"creditLimit\":\""
        + limit + "\",\"paymentTermsDays\":" + terms + "}", null);
    assertEquals(201, r.status(), r.body());
  }

  private static void order(String customer, String channel, String unitPrice, int quantity, String key) {
    Http.Response r = server.postJson("/v1/orders", "{\"customerId\":\"" + customer + "\",\"currency\":\"EUR\",\"channel\":\"" + channel
        + "\",\"lines\":[{\"sku\":\"W\",\"quantity\":" + quantity + ",\"unitPrice\":\"" + unitPrice + "\",\"taxCode\":\"STANDARD\"}]}", key);
    assertEquals(201, r.status(), r.body());
  }

  private static JsonNode await(String path, Predicate<JsonNode> condition) {
    return server.http().await(path, r -> r.status() == 200 && condition.test(r.json()), Duration.ofSeconds(60)).json();
  }

  private static String tile(String name) {
    return browser.findElement(By.cssSelector("[data-testid='" + name + "']")).getText();
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  private static void signIn(String key) {
    browser.get(base + "/dashboard/?refresh=5");
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear();");
    browser.navigate().refresh();
    waiting().until(d -> d.findElement(By.id("login")).isDisplayed());
    browser.findElement(By.id("key")).sendKeys(key);
    browser.findElement(By.cssSelector("#login button[type=submit]")).click();
  }

  /** "0.7500" -> "75.00 %", as the page shows a rate. */
  private static String percent(String rate) {
    return new BigDecimal(rate).movePointRight(2).setScale(Math.max(0, new BigDecimal(rate).scale() - 2)).toPlainString() + " %";
  }

  @Test
  void a_wrong_key_is_refused_at_sign_in() {
    signIn("not-a-key");
    waiting().until(d -> d.findElement(By.id("login-error")).getText().contains("not accepted"));
    assertTrue(browser.findElement(By.id("login")).isDisplayed());
  }

  @Test
  void the_dashboard_draws_every_chart_without_a_console_error_and_shows_the_apis_numbers() throws Exception {
    signIn(TestServer.DEV_KEY);
    waiting().until(d -> "ready".equals(d.findElement(By.id("board")).getAttribute("data-state")));

    JavascriptExecutor js = (JavascriptExecutor) browser;
    @SuppressWarnings("unchecked")
    List<Long> datasets = (List<Long>) js.executeScript("return [...document.querySelectorAll('canvas')].map(c => {"
        + " const chart = Chart.getChart(c); return chart ? chart.data.datasets.length : -1; });");
    assertEquals(7, datasets.size(), "seven charts");
    assertTrue(datasets.stream().allMatch(n -> n > 0), "every chart has data sets: " + datasets);
    @SuppressWarnings("unchecked")
    List<Object> aging = (List<Object>) js.executeScript("return Chart.getChart(document.getElementById('aging')).data.labels;");
    assertEquals(List.of("dash-b", "dash-a"), aging, "the customers of the aging chart, largest first");
    Object sameOrigin = js.executeScript("return performance.getEntriesByType('resource').every(e => e.name.startsWith(location.origin));");
    assertEquals(Boolean.TRUE, sameOrigin, "nothing is loaded from elsewhere");

    JsonNode agingApi = server.get("/v1/reports/ar-aging").json().get("currencies").get(0).get("total");
    assertEquals(agingApi.get("total").asText() + " EUR", tile("open-receivables"));
    BigDecimal pastDue = BigDecimal.ZERO;
    for (int i = 1; i < agingApi.get("buckets").size(); i++) {
      pastDue = pastDue.add(new BigDecimal(agingApi.get("buckets").get(i).asText()));
    }
    // dash-a's 47.60 was due 14 days after T0: 6 days past due.
    assertEquals("47.60 EUR", tile("past-due"));
    assertEquals(pastDue.toPlainString() + " EUR", tile("past-due"));
    assertEquals(agingApi.get("unapplied").asText() + " EUR", tile("unapplied"));
    assertEquals(server.get("/v1/reports/dso?currency=EUR").json().get("currencies").get(0).get("dso").asText() + " days", tile("dso"));
    JsonNode automation = server.get("/v1/reports/automation?currency=EUR").json().get("period");
    assertEquals(percent(automation.get("straightThroughRate").asText()), tile("straight-through"));
    assertEquals(percent(automation.get("cash").get(0).get("rate").asText()), tile("auto-match"));
    assertEquals("1", tile("held-orders"));
    assertTrue(tile("lag").matches("\\d+ ms"), tile("lag"));

    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    assertEquals(List.of(), errors, "console errors");

    // It refreshes on its own (every 5 s here).
    String loads = browser.findElement(By.id("board")).getAttribute("data-loads");
    waiting().until(d -> !loads.equals(d.findElement(By.id("board")).getAttribute("data-loads")));

    Path shot = Path.of("target", "dashboard.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}

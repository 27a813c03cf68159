/*
 * kafka-mock: a librdkafka mock cluster (the Kafka broker protocol in C) on loopback,
 * with a line-based TCP control channel so tests can shape the cluster at run time.
 *
 * usage: kafka-mock <brokers> <control-port> <bootstraps-file>
 *
 * Control protocol: one command per line, one reply line per command ("ok ..." or "err ...").
 *   ping                          -> ok pong
 *   bootstraps                    -> ok 127.0.0.1:P1,127.0.0.1:P2,...
 *   topic NAME PARTITIONS RF      create a topic (CreateTopics is not served by the mock)
 *   down BROKER_ID | up BROKER_ID take a broker down (connections closed) or bring it back
 *   rtt BROKER_ID MS              add latency to every response of a broker
 *   leader TOPIC PARTITION ID     move partition leadership, as a controller would
 *   perr APIKEY ERR [ERR ...]     the next requests of APIKEY fail with these error codes
 *   clearerr APIKEY               drop pushed errors of APIKEY
 *   coord group|txn KEY ID        pin a group or transaction coordinator
 *   quit                          shut the cluster down and exit 0
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static void reply(int fd, const char *fmt, const char *arg) {
  char buf[4096];
  int n = snprintf(buf, sizeof buf, fmt, arg ? arg : "");
  if (n > 0) (void)!write(fd, buf, (size_t)n);
}

static int handle(rd_kafka_mock_cluster_t *mc, char *line, int fd) {
  char *save = NULL;
  char *cmd = strtok_r(line, " \t\r\n", &save);
  if (!cmd) { reply(fd, "err empty command\n", NULL); return 0; }
  if (!strcmp(cmd, "ping")) { reply(fd, "ok pong\n", NULL); return 0; }
  if (!strcmp(cmd, "bootstraps")) { reply(fd, "ok %s\n", rd_kafka_mock_cluster_bootstraps(mc)); return 0; }
  if (!strcmp(cmd, "quit")) { reply(fd, "ok bye\n", NULL); return 1; }
  char *a = strtok_r(NULL, " \t\r\n", &save);
  char *b = strtok_r(NULL, " \t\r\n", &save);
  char *c = strtok_r(NULL, " \t\r\n", &save);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (!strcmp(cmd, "topic") && a && b && c) {
    err = rd_kafka_mock_topic_create(mc, a, atoi(b), atoi(c));
  } else if (!strcmp(cmd, "down") && a) {
    err = rd_kafka_mock_broker_set_down(mc, atoi(a));
  } else if (!strcmp(cmd, "up") && a) {
    err = rd_kafka_mock_broker_set_up(mc, atoi(a));
  } else if (!strcmp(cmd, "rtt") && a && b) {
    err = rd_kafka_mock_broker_set_rtt(mc, atoi(a), atoi(b));
  } else if (!strcmp(cmd, "leader") && a && b && c) {
    err = rd_kafka_mock_partition_set_leader(mc, a, atoi(b), atoi(c));
  } else if (!strcmp(cmd, "perr") && a && b) {
    rd_kafka_resp_err_t errs[64];
    size_t n = 0;
    errs[n++] = (rd_kafka_resp_err_t)atoi(b);
    if (c) errs[n++] = (rd_kafka_resp_err_t)atoi(c);
    char *more;
    while (n < 64 && (more = strtok_r(NULL, " \t\r\n", &save))) errs[n++] = (rd_kafka_resp_err_t)atoi(more);
    rd_kafka_mock_push_request_errors_array(mc, (int16_t)atoi(a), n, errs);
  } else if (!strcmp(cmd, "clearerr") && a) {
    rd_kafka_mock_clear_request_errors(mc, (int16_t)atoi(a));
  } else if (!strcmp(cmd, "coord") && a && b && c) {
    err = rd_kafka_mock_coordinator_set(mc, a, b, atoi(c));
  } else {
    reply(fd, "err unknown or incomplete command: %s\n", cmd);
    return 0;
  }
  if (err) reply(fd, "err %s\n", rd_kafka_err2str(err));
  else reply(fd, "ok\n", NULL);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <brokers> <control-port> <bootstraps-file>\n", argv[0]);
    return 2;
  }
  int brokers = atoi(argv[1]);
  int control_port = atoi(argv[2]);
  /* No SA_RESTART: SIGTERM must interrupt the blocking accept()/read() below, or the
   * launcher would only notice it at the next control connection. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "kafka-mock: rd_kafka_new failed: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) { fprintf(stderr, "kafka-mock: could not create the mock cluster\n"); return 1; }

  int srv = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((uint16_t)control_port);
  if (bind(srv, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(srv, 16) != 0) {
    fprintf(stderr, "kafka-mock: cannot listen on 127.0.0.1:%d: %s\n", control_port, strerror(errno));
    return 3;
  }

  /* Written last: its presence tells the stack script the cluster is ready. */
  FILE *f = fopen(argv[3], "w");
  if (!f) { fprintf(stderr, "kafka-mock: cannot write %s\n", argv[3]); return 1; }
  fprintf(f, "%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fclose(f);
  fprintf(stderr, "kafka-mock: %d brokers at %s, control on 127.0.0.1:%d\n", brokers,
          rd_kafka_mock_cluster_bootstraps(mc), control_port);

  int quit = 0;
  while (!quit && !stop_requested) {
    int fd = accept(srv, NULL, NULL);
    if (fd < 0) { if (errno == EINTR) continue; break; }
    char buf[8192];
    size_t used = 0;
    while (!stop_requested) {
      ssize_t n = read(fd, buf + used, sizeof buf - 1 - used);
      if (n <= 0) break;
      used += (size_t)n;
      buf[used] = 0;
      char *nl;
      while ((nl = strchr(buf, '\n'))) {
        *nl = 0;
        quit = handle(mc, buf, fd);
        size_t rest = used - (size_t)(nl + 1 - buf);
        memmove(buf, nl + 1, rest);
        used = rest;
        buf[used] = 0;
        if (quit) break;
      }
      if (quit || used >= sizeof buf - 1) break;
    }
    close(fd);
  }
  close(srv);
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}

// Starts Amazon's DynamoDB Local the way the one-machine stack needs it (run as a single-file source
// program: `java -cp DynamoDBLocal.jar:DynamoDBLocal_lib/* QualtagDynamoLocal.java <DynamoDB Local args>`):
//  - Jetty listens on 127.0.0.1 only (DynamoDB Local itself has no bind-address option);
//  - every request must carry the per-start secret in `x-qualtag-backend` (set by the stack's
//    signature-checking guard, the only client); anything else gets 403;
//  - the JVM halts when its stdin reaches EOF: the stack holds the other end of that pipe, so the JVM
//    never outlives the stack's process, even when that one is killed with SIGKILL.
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class QualtagDynamoLocal {
  public static void main(String[] args) throws Exception {
    String env = System.getenv("QUALTAG_BACKEND_SECRET");
    if (env == null || env.length() < 32) throw new IllegalStateException("QUALTAG_BACKEND_SECRET is not set");
    byte[] secret = env.getBytes(StandardCharsets.UTF_8);

    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {}
      } catch (IOException e) {
        // treated like EOF
      }
      Runtime.getRuntime().halt(0);
    }, "qualtag-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector c : jetty.getConnectors()) {
      if (c instanceof ServerConnector sc) sc.setHost("127.0.0.1");
    }
    Handler inner = jetty.getHandler();
    jetty.setHandler(new Handler.Wrapper(inner) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String got = request.getHeaders().get("x-qualtag-backend");
        if (got == null || !MessageDigest.isEqual(got.getBytes(StandardCharsets.UTF_8), secret)) {
          Response.writeError(request, response, callback, 403);
          return true;
        }
        return super.handle(request, response, callback);
      }
    });
    proxy.start();
    System.out.println("qualtag: DynamoDB Local ready on 127.0.0.1");
  }
}

package conclab.kernel.maven;

import conclab.spi.DisplayHandle;
import conclab.spi.Hosts;
import conclab.spi.Mime;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;
import org.eclipse.aether.transfer.TransferResource;

import java.util.Locale;

/**
 * One line under the cell, updated in place while Maven Resolver downloads: files done, bytes, the file
 * being fetched. Resolver calls it from its download threads; the display handle was made on the shell
 * thread, so updates land under the right cell from any thread.
 *
 * <p>Thread safety: every method is synchronized (downloads run in parallel); an update is sent at most
 * every {@value #EVERY_MS} ms, and always by {@link #done}.
 */
final class Progress extends AbstractTransferListener {

    static final long EVERY_MS = 150;

    private final DisplayHandle handle;
    private final long started = System.nanoTime();
    private long lastShown;
    private int files;
    private long bytes;
    private String current = "";
    private boolean stopped;   // the cell was interrupted: the line says so and no longer changes

    Progress(String what) {
        this.handle = Hosts.current().display(Mime.of("text/plain", "Resolving " + what + " …", "Resolving " + what + " …"));
    }

    @Override
    public synchronized void transferStarted(TransferEvent event) {
        TransferResource r = event.getResource();
        if (event.getRequestType() != TransferEvent.RequestType.GET) return;
        current = r.getResourceName();
        show(false);
    }

    @Override
    public synchronized void transferProgressed(TransferEvent event) {
        bytes += event.getDataLength();
        show(false);
    }

    @Override
    public synchronized void transferSucceeded(TransferEvent event) {
        if (event.getRequestType() != TransferEvent.RequestType.GET) return;
        files++;
        show(false);
    }

    /** Files downloaded so far. */
    synchronized int files() {
        return files;
    }

    /** Bytes downloaded so far. */
    synchronized long bytes() {
        return bytes;
    }

    /** Replaces the progress line by {@code text}. */
    synchronized void done(String text) {
        handle.update(Mime.of("text/plain", text, text));
    }

    /** The cell was interrupted: the line says so and later transfers leave it alone. */
    synchronized void stopped() {
        String line = conclab.text.Messages.get("maven.stopped", files(files), size(bytes));
        handle.update(Mime.of("text/plain", line, line));
        stopped = true;
    }

    private void show(boolean force) {
        if (stopped) return;
        long now = System.nanoTime() / 1_000_000;
        if (!force && now - lastShown < EVERY_MS) return;
        lastShown = now;
        String name = current.substring(current.lastIndexOf('/') + 1);
        String line = conclab.text.Messages.get("maven.downloading", files(files), size(bytes), name);
        handle.update(Mime.of("text/plain", line, line));
    }

    static String size(long bytes) {
        if (bytes < 1024) return conclab.text.Messages.unit(String.valueOf(bytes), "B");
        if (bytes < 1024 * 1024) return conclab.text.Messages.unit(conclab.text.Messages.format("%.1f", bytes / 1024.0), "KB");
        return conclab.text.Messages.unit(conclab.text.Messages.format("%.1f", bytes / (1024.0 * 1024)), "MB");
    }

    /** {@code 1 file}, {@code 3 files}, in the session's language. */
    static String files(long n) {
        return conclab.text.Messages.get(n == 1 ? "maven.files.one" : "maven.files.many", String.valueOf(n));
    }

    /** Seconds since this progress line appeared. */
    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}

/**
 * Libraries in a cell: {@code %maven}, {@code %mavenRepo}, {@code %jars}, {@code %%loadFromPOM},
 * {@code %loadFromPOM}, with IJava's names and arguments ({@link conclab.kernel.maven.MavenMagics}), resolved
 * the way Maven resolves them by Maven Resolver with Maven 3's POM reading
 * ({@link conclab.kernel.maven.MavenResolver}); a progress line updated in place while files download
 * ({@code Progress}).
 *
 * <p>Who runs what: the magics run on the shell thread, which alone adds jars to JShell's class path;
 * each resolution runs on a thread of its own ({@code conclab-maven}) that the shell thread waits for, so
 * that an interrupt ends the cell at once (the thread finishes its download in the background and its
 * result is dropped); Maven Resolver downloads on threads of its own and reports to the progress line.
 *
 * <p>In the shaded jar this package's libraries (Maven Resolver, Maven's model and settings, Apache
 * HttpClient, Plexus) live under {@code conclab.shaded.*}, as do the kernel's Gson, JeroMQ and SLF4J, so a
 * cell's own versions of them never meet the kernel's.
 */
package conclab.kernel.maven;

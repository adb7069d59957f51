/**
 * Jupyter widgets from Java: sliders, buttons, progress bars, output areas and layouts that JupyterLab's
 * widget manager draws, kept in step with the kernel by the Jupyter widget protocol 2.1.0 over comms
 * ({@link conclab.spi.Comm}). Values are read and set from any thread; the front end's changes and clicks
 * arrive while cells run. Where no widget manager is present (nbconvert, Notebook 6, plain JShell) a
 * widget shows as text and its value and handlers still work. The front door is {@code conclab.Lab}.
 */
package conclab.widgets;

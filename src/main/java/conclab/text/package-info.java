/**
 * The words and number formats of what the lab prints: the session's {@link conclab.text.Language}, English or
 * French.
 */
package conclab.text;

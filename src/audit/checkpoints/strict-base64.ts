/**
 * Standard base64 (RFC 4648 §4) that decodes one way only: a text whose unused trailing bits are not zero, or that
 * lacks its padding, decodes to the same bytes as another text, so a changed character could pass unnoticed.
 */
export function strictBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

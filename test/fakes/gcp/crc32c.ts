/**
 * CRC32C (Castagnoli) for the fake Secret Manager, computed bit by bit: deliberately not the
 * provider's table-driven code, so the two check each other.
 */
export function crc32cBitwise(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

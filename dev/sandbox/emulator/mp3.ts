/** A small valid MP3 generated in memory: MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono) of silence. */

const FRAME_HEADER = [0xff, 0xfb, 0x90, 0xc4];
/** floor(144 * 128000 / 44100) bytes per frame, no padding. */
const FRAME_BYTES = 417;

/** `frames` frames of 1152 samples each (about 26 ms per frame); the default is about one second. */
export function silentMp3(frames = 38): Buffer {
  const buffer = Buffer.alloc(FRAME_BYTES * frames);
  for (let i = 0; i < frames; i++) buffer.set(FRAME_HEADER, i * FRAME_BYTES);
  return buffer;
}

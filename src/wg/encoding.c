/* encoding.c: placeholder for the key codecs. */
#include "encoding.h"

void key_to_base64(char base64[WG_KEY_LEN_BASE64 + 1], const uint8_t key[WG_KEY_LEN]) { (void)key; base64[0] = 0; }
bool key_from_base64(uint8_t key[WG_KEY_LEN], const char *base64) { (void)key; (void)base64; return false; }
void key_to_hex(char hex[WG_KEY_LEN_HEX + 1], const uint8_t key[WG_KEY_LEN]) { (void)key; hex[0] = 0; }
bool key_from_hex(uint8_t key[WG_KEY_LEN], const char *hex) { (void)key; (void)hex; return false; }

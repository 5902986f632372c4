import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeUri, parsePrintUris } from '../../src/apt/print-uris.js';

describe('parsePrintUris', () => {
  it('reads URI, cache name, size and an MD5Sum hash', () => {
    const out = "'http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb' hello_2.10-3_amd64.deb 53080 MD5Sum:d04c2e9639dee67aa836d8232b1ca658\n";
    assert.deepEqual(parsePrintUris(out), [{
      uri: 'http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb',
      cacheName: 'hello_2.10-3_amd64.deb',
      size: 53080,
      aptHash: 'MD5Sum:d04c2e9639dee67aa836d8232b1ca658',
    }]);
  });

  it('keeps the %3a epoch in the cache name and the encoding in the URI', () => {
    const out = "'http://m/debian/pool/main/g/gcc-12/libstdc%2b%2b6_12.2.0-14_amd64.deb' libstdc++6_12.2.0-14_amd64.deb 10 SHA256:ab\n" +
      "'http://m/debian/pool/main/b/bash/bash_5.2.15-2%2bb2_amd64.deb' bash_1%3a5.2.15-2+b2_amd64.deb 20 \n";
    const [libstdc, bash] = parsePrintUris(out);
    assert.equal(libstdc!.uri, 'http://m/debian/pool/main/g/gcc-12/libstdc%2b%2b6_12.2.0-14_amd64.deb');
    assert.equal(libstdc!.aptHash, 'SHA256:ab');
    assert.equal(bash!.cacheName, 'bash_1%3a5.2.15-2+b2_amd64.deb');
    assert.equal(bash!.aptHash, '', 'SHA256-only indexes give an empty hash');
  });

  it('accepts a line with no hash field at all, and blank lines', () => {
    const [file] = parsePrintUris("\n'http://m/a.deb' a_1_all.deb 5\n\n");
    assert.equal(file!.size, 5);
    assert.equal(file!.aptHash, '');
  });

  it('refuses lines it does not understand instead of guessing', () => {
    assert.throws(() => parsePrintUris('E: Unable to locate package foo\n'), { code: 'E_APT_PARSE' });
    assert.throws(() => parsePrintUris("'http://m/a.deb' a.deb notanumber MD5Sum:x\n"), { code: 'E_APT_PARSE' });
    assert.throws(() => parsePrintUris("'http://m/a.deb' ../a.deb 3 MD5Sum:x\n"), { code: 'E_APT_PARSE' });
  });

  it('decodes percent-encoding for matching Packages Filename fields', () => {
    assert.equal(decodeUri('http://m/pool/libstdc%2b%2b6_1_amd64.deb'), 'http://m/pool/libstdc++6_1_amd64.deb');
    assert.throws(() => decodeUri('http://m/%zz'), { code: 'E_APT_PARSE' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redirectProblem, unfollowedRedirect } from '../../src/fetch/redirect-policy.js';

describe('redirects, by APT\'s rules', () => {
  it('follows the same scheme and http to https', () => {
    assert.equal(redirectProblem('http://a/x.deb', 'http://b/x.deb'), undefined);
    assert.equal(redirectProblem('https://a/x.deb', 'https://b:8443/y.deb'), undefined);
    assert.equal(redirectProblem('http://a/x.deb', 'https://a/x.deb'), undefined);
  });

  it('refuses https to http, naming both URLs without their logins', () => {
    assert.equal(redirectProblem('https://u:p@a/x.deb', 'http://a/x.deb'), "redirection from https to 'http://a/x.deb' is forbidden (asked for https://***@a/x.deb)");
    assert.match(redirectProblem('https://a/x.deb', 'http://u:p@a/x.deb') ?? '', /to 'http:\/\/\*\*\*@a\/x\.deb'/);
  });

  it('refuses other schemes, a chosen implementation and a loop', () => {
    assert.match(redirectProblem('http://a/x.deb', 'ftp://a/x.deb') ?? '', /redirection from http to 'ftp:\/\/a\/x\.deb' is forbidden/);
    assert.match(redirectProblem('http://a/x.deb', 'file:///etc/shadow') ?? '', /forbidden/);
    assert.match(redirectProblem('http://a/x.deb', 'tor+http://a/x.deb') ?? '', /tried to choose an implementation \(tor\+http\)/);
    assert.match(redirectProblem('http://a/x.deb', 'http://a/x.deb') ?? '', /redirection loop/);
  });

  it('a redirect that was not followed is an error, not a body', () => {
    assert.match(unfollowedRedirect(301, 'http://b/x', 'http://a/x')?.message ?? '', /HTTP 301: http:\/\/a\/x redirects to 'http:\/\/b\/x', and APT's AllowRedirect is off/);
    assert.equal(unfollowedRedirect(200, undefined, 'http://a/x'), undefined);
    assert.equal(unfollowedRedirect(206, undefined, 'http://a/x'), undefined);
  });
});

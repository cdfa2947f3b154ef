using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>
/// The UI runs under a Content-Security-Policy that allows only its own scripts: every page is sent with it, and
/// nothing a page needs (Blazor's circuit, MudBlazor, Plotly's charts, the live feed) is blocked by it.
/// </summary>
public sealed class ContentSecurityPolicyTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private static readonly string[] Pages = ["/", "/sensors/porto-pump-1-vib", "/anomalies", "/cases", "/simulation", "/models", "/demo", "/system", "/admin/users"];

    [Fact]
    public async Task Every_page_is_sent_with_the_policy_and_nothing_it_needs_is_blocked()
    {
        var page = await host.SignedInAsync("admin", BrowserHost.AdminPassword);
        // Violations the console might not show (a blocked inline handler, a style) are caught as the page reports them.
        await page.Context.AddInitScriptAsync(
            "window.__blocked = []; document.addEventListener('securitypolicyviolation', e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));");

        foreach (var path in Pages)
        {
            var response = await page.GotoAsync(path);
            var policy = await response!.HeaderValueAsync("content-security-policy");
            Assert.NotNull(policy);
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
            await BrowserHost.LiveAsync(page);
            Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__blocked"));
        }

        // An inline script is what the policy exists to stop: a page that tried one would be refused.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.appendChild(s); }");
        Assert.False(await page.EvaluateAsync<bool>("() => window.__ran === true"));
        Assert.NotEmpty(await page.EvaluateAsync<string[]>("() => window.__blocked"));
        for (var i = 0; i < 50 && host.PolicyViolations.IsEmpty; i++)
        {
            await Task.Delay(100);
        }

        while (host.PolicyViolations.TryDequeue(out _))
        {
            // The refused inline script above was expected; the fixture fails on any other.
        }
    }
}

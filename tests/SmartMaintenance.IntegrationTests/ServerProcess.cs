using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SmartMaintenance.IntegrationTests;

/// <summary>The server started from the build output as a service would start it, on free ports.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public const string AdminKey = "process-admin-key-0123456789abcdef";

    public string Url { get; }

    /// <summary>Everything the process wrote so far.</summary>
    public string Output => Log();

    public static async Task<ServerProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = SmartMaintenanceApplication.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SmartMaintenance.Server.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["SMX_DATA_DIR"] = dataDir;
        info.Environment["SMX_DEMO"] = "0";
        info.Environment["SMX_ADMIN_API_KEY"] = AdminKey;
        info.Environment["SMX_SILO_PORT"] = SmartMaintenanceApplication.FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["SMX_GATEWAY_PORT"] = SmartMaintenanceApplication.FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var server = new ServerProcess(Process.Start(info)!, $"http://127.0.0.1:{port}");
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await server.WaitUntilReadyAsync();
        return server;
    }

    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-API-Key", AdminKey);
        return client;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"the server exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log()}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Still starting.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"the server was not ready within 2 minutes:\n{Log()}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }
}

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
        // A port found free can be taken by another test's process before this one binds it: start again on others.
        for (var attempt = 1; ; attempt++)
        {
            var server = Start(dataDir, settings);
            if (await server.WaitUntilReadyAsync(lastAttempt: attempt == 3))
            {
                return server;
            }

            server.Dispose();
        }
    }

    private static ServerProcess Start(string dataDir, IReadOnlyDictionary<string, string>? settings)
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

    /// <summary>True once the server answers ready; false when it exited because one of its ports was taken meanwhile.</summary>
    private async Task<bool> WaitUntilReadyAsync(bool lastAttempt)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                if (!lastAttempt && Log().Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                Assert.Fail($"the server exited with {_process.ExitCode}:\n{Log()}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Still starting.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"the server was not ready within 2 minutes:\n{Log()}");
        return false;
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

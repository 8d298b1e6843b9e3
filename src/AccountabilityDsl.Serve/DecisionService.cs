using System.Collections.Immutable;
using System.Text.Json;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Compiled;
using AccountabilityDsl.Runtime.Hosting;
using AccountabilityDsl.Runtime.PostgreSql;
using AccountabilityDsl.Serve.Api;
using AccountabilityDsl.Serve.Operations;
using AccountabilityDsl.Workspace;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccountabilityDsl.Serve;

/// <summary>
/// `ownerc serve`: the policy decision service. Builds the host (Kestrel, the /v1 API, health,
/// readiness, Prometheus metrics, the OpenAPI document) on the hosting package's gate
/// infrastructure, and runs it until SIGTERM or Ctrl+C, finishing the requests in flight.
/// </summary>
public static class DecisionService
{
    /// <summary>Runs the service; returns the process exit code (2 for options it cannot run with).</summary>
    public static int Run(ServeOptions options, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(error);
        if (options.Validate() is { } problem)
        {
            error.WriteLine("ownerc: error: " + problem);
            return 2;
        }

        string? token = options.ReadToken(out string? tokenError);
        if (tokenError is not null)
        {
            error.WriteLine("ownerc: error: " + tokenError);
            return 2;
        }

        // Nothing to serve is a failed check, not a service answering 404 for ever: at start-up, when
        // no policy compiles without errors, the diagnostics are printed and the service exits with 2.
        // (After start-up, a broken edit keeps the previous version serving: PolicyCatalog.)
        if (NothingToServe(options, error))
        {
            return 2;
        }

        // Opened before the host starts, so that a ledger it cannot use (an unmigrated or foreign
        // PostgreSQL schema, an unreachable server, a bad connection string) is one clear line and
        // exit code 2, not a stack trace from the first request.
        IContactLedger ledger;
        try
        {
            ledger = CreateLedger(options);
        }
        catch (Exception e) when (e is LedgerSchemaException or LedgerUnavailableException or ArgumentException
                                       or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            error.WriteLine($"ownerc: error: cannot open the ledger '{LedgerSpec.Describe(options.Ledger)}': {e.Message}");
            return 2;
        }

        // A start-up failure reaches this method as the exception host.Run throws (an address in use
        // becomes the one line below); the host's own "Hosting failed to start" error log would
        // print the same exception again, stack trace and all, before it.
        using IHost host = CreateHostBuilder(options, token, ledger)
            .ConfigureLogging(logging => logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical))
            .Build();
        try
        {
            host.Run();
        }
        catch (IOException e) when (e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            error.WriteLine($"ownerc: error: cannot listen on {options.Urls}: {e.Message}");
            return 2;
        }

        return 0;
    }

    private static bool NothingToServe(ServeOptions options, TextWriter error)
    {
        PolicyWorkspace workspace = PolicyWorkspace.Open(options.Paths, options.WorkingDirectory);
        ImmutableArray<PolicyCompilation> compilations = workspace.Compile();
        if (compilations.Any(c => !c.HasErrors))
        {
            return false;
        }

        foreach (string input in workspace.InputErrors)
        {
            error.WriteLine("ownerc: error: " + input);
        }

        foreach (Diagnostics.Diagnostic diagnostic in compilations.SelectMany(c => c.Diagnostics))
        {
            error.WriteLine(diagnostic.ToString());
        }

        error.WriteLine("ownerc: error: no policy compiles without errors; nothing to serve");
        return true;
    }

    /// <summary>The service's host, not yet built (tests build it on a test server).</summary>
    /// <param name="options">What to serve.</param>
    /// <param name="token">The bearer token every /v1 request must carry, or null.</param>
    /// <param name="ledger">The ledger, already open (the host disposes it); null: open the one <see cref="ServeOptions.Ledger"/> names when first needed.</param>
    public static IHostBuilder CreateHostBuilder(ServeOptions options, string? token, IContactLedger? ledger = null) =>
        Host.CreateDefaultBuilder([])
            .UseContentRoot(options.WorkingDirectory)
            // One log line per request would cost more than the decision; configuration
            // (Logging:LogLevel:Microsoft.AspNetCore) can turn it back on.
            .ConfigureLogging(logging => logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning))
            .ConfigureServices(services => ConfigureServices(services, options, ledger))
            .ConfigureWebHostDefaults(web => web
                .UseUrls(options.Urls)
                .ConfigureKestrel(kestrel =>
                {
                    kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
                    kestrel.AddServerHeader = false;
                })
                .Configure(app => Configure(app, token)));

    private static void ConfigureServices(IServiceCollection services, ServeOptions options, IContactLedger? ledger)
    {
        services.AddSingleton(options);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddContactGateInfrastructure().UseLedger(_ => ledger ?? CreateLedger(options));
        services.AddSingleton(sp =>
        {
            ContactGateOptions gateOptions = sp.GetRequiredService<IOptions<ContactGateOptions>>().Value;
            IContactLedger ledger = sp.GetRequiredService<IContactLedger>();
            TimeProvider clock = sp.GetRequiredService<TimeProvider>();
            ContactGateMetrics metrics = sp.GetRequiredService<ContactGateMetrics>();
            ILogger gateLogger = sp.GetGateLogger();
            return new PolicyCatalog(options,
                compiled => new ObservedContactGate(gateOptions.CreateGate(compiled.ContactPolicy, ledger, clock), metrics, gateLogger),
                clock, sp.GetRequiredService<ILogger<PolicyCatalog>>());
        });
        services.AddSingleton<PrometheusMetrics>();
        services.AddHostedService<CatalogStarter>();
        services.AddHealthChecks().AddCheck<PoliciesHealthCheck>("policies", tags: ["ready"]);
        services.AddRouting();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServeJsonContext.Default));
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ownerc serve";
            document.Info.Description = "The AccountabilityDsl policy decision service: accountable owners, contact checks, reservations and offer ranking for every loaded policy.";
            document.Info.Version = "v1";
            // The document is checked in: it must not depend on the address it was fetched from.
            document.Servers = [];
            return Task.CompletedTask;
        }));
    }

    /// <summary>
    /// Opens the ledger <c>--ledger</c> names. A PostgreSQL ledger is shared by every replica and must
    /// already have its schema (<c>ownerc ledger migrate --postgres</c>): serve never migrates, so
    /// that no replica upgrades a schema the others still read.
    /// </summary>
    internal static IContactLedger CreateLedger(ServeOptions options)
    {
        if (!LedgerSpec.TryParse(options.Ledger, out LedgerSpec? spec, out string? error))
        {
            throw new ArgumentException(error);
        }

        return spec.Kind switch
        {
            "sqlite" => new SqliteContactLedger(Path.GetFullPath(spec.Value, options.WorkingDirectory)),
            "postgres" => new PostgreSqlContactLedger(spec.Value),
            _ => new InMemoryContactLedger(),
        };
    }

    private static void Configure(IApplicationBuilder app, string? token)
    {
        app.UseMiddleware<DecisionFailureMiddleware>();
        if (token is not null)
        {
            app.UseMiddleware<BearerTokenMiddleware>(BearerTokenMiddleware.Hash(token));
        }

        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapGet("/healthz", () => TypedResults.Text("ok\n")).ExcludeFromDescription();
            endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains("ready"),
                ResponseWriter = WriteReadiness,
            });
            endpoints.MapGet("/metrics", (PrometheusMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
                .ExcludeFromDescription();
            endpoints.MapOpenApi();
            PolicyEndpoints.Map(endpoints);
        });
    }

    private static Task WriteReadiness(HttpContext context, HealthReport report)
    {
        PolicyCatalog catalog = context.RequestServices.GetRequiredService<PolicyCatalog>();
        string ledger = report.Entries.TryGetValue(LedgerHealthCheck.Name, out HealthReportEntry entry) ? entry.Description ?? entry.Status.ToString() : "unknown";
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body,
            new ReadinessResponse(report.Status == HealthStatus.Healthy ? "ready" : "not ready", catalog.Snapshot.ByName.Count, ledger),
            ServeJsonContext.Default.ReadinessResponse);
    }

    /// <summary>Loads the policies when the host starts (and creates the metrics listener before any decision).</summary>
    private sealed class CatalogStarter(PolicyCatalog catalog, PrometheusMetrics metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(metrics);
            catalog.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Ready when at least one policy is served.</summary>
    private sealed class PoliciesHealthCheck(PolicyCatalog catalog) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(catalog.Snapshot.ByName.Count > 0
                ? HealthCheckResult.Healthy($"{catalog.Snapshot.ByName.Count} policies served")
                : HealthCheckResult.Unhealthy("no policy compiled without errors"));
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AccountabilityDsl.Runtime.Hosting;

/// <summary>Registers the contact gate of a policy: <c>services.AddContactGate&lt;RetailBankPolicy&gt;().UseSqliteLedger("contacts.db")</c>.</summary>
public static class ContactGateServiceCollectionExtensions
{
    /// <summary>The logger category of the gate's events.</summary>
    public const string LogCategory = "AccountabilityDsl.ContactGate";

    /// <summary>
    /// Registers the gate of a generated policy class (its static <c>ContactPolicy</c> property):
    /// <see cref="ContactGate"/>, <see cref="ObservedContactGate"/>, <see cref="ContactGateMetrics"/>,
    /// <see cref="ContactGateOptions"/> bound from the <c>ContactGate</c> configuration section, and the
    /// ledger health check. Choose the ledger on the returned builder.
    /// </summary>
    public static ContactGateBuilder AddContactGate<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TPolicy>(this IServiceCollection services)
        where TPolicy : class
    {
        PropertyInfo? property = typeof(TPolicy).GetProperty("ContactPolicy", BindingFlags.Public | BindingFlags.Static);
        if (property?.GetValue(null) is not ContactPolicy policy)
        {
            throw new ArgumentException($"{typeof(TPolicy).FullName} is not a generated policy class (it has no static ContactPolicy property).", nameof(TPolicy));
        }

        return services.AddContactGate(policy);
    }

    /// <summary>Registers the gate of <paramref name="policy"/>; see <see cref="AddContactGate{TPolicy}(IServiceCollection)"/>.</summary>
    public static ContactGateBuilder AddContactGate(this IServiceCollection services, ContactPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(policy);
        services.AddContactGateInfrastructure();
        services.AddSingleton(sp =>
        {
            ContactGateOptions options = sp.GetRequiredService<IOptions<ContactGateOptions>>().Value;
            return options.CreateGate(policy, sp.GetRequiredService<IContactLedger>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => new ObservedContactGate(sp.GetRequiredService<ContactGate>(), sp.GetRequiredService<ContactGateMetrics>(), sp.GetGateLogger()));
        return new ContactGateBuilder(services);
    }

    /// <summary>
    /// What every gate shares, without a gate (for hosts that build gates themselves, such as
    /// <c>ownerc serve</c> with several policies): options, clock, metrics, the ledger health check,
    /// and a ledger registration that explains itself until a <c>Use…Ledger</c> call replaces it.
    /// </summary>
    public static ContactGateBuilder AddContactGateInfrastructure(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ContactGateOptions>().BindConfiguration(ContactGateOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ContactGateMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IContactLedger>(_ => throw new InvalidOperationException(
            "No contact ledger is configured: call UseInMemoryLedger() or UseLedger(…) after AddContactGate(), or UseSqliteLedger() / UsePostgreSqlLedger(…) from the AccountabilityDsl.Runtime.Sqlite / AccountabilityDsl.Runtime.PostgreSql package."));
        if (!services.Any(d => d.ServiceType == typeof(LedgerHealthCheck)))
        {
            services.AddSingleton<LedgerHealthCheck>();
            services.AddHealthChecks().AddCheck<LedgerHealthCheck>(LedgerHealthCheck.Name, tags: ["ready"]);
        }

        return new ContactGateBuilder(services);
    }

    /// <summary>The logger of the gate's events (a null logger when the host has no logging).</summary>
    public static ILogger GetGateLogger(this IServiceProvider services) =>
        (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(LogCategory);
}

/// <summary>
/// Chooses the contact ledger of the gate registered by <c>AddContactGate</c>. The durable ledgers
/// add their own <c>Use…Ledger</c> extensions from their packages (<c>UseSqliteLedger</c> in
/// AccountabilityDsl.Runtime.Sqlite, <c>UsePostgreSqlLedger</c> in AccountabilityDsl.Runtime.PostgreSql),
/// so that this package carries neither database.
/// </summary>
public sealed class ContactGateBuilder(IServiceCollection services)
{
    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Uses the ledger <paramref name="factory"/> creates (once; the container disposes it).</summary>
    public ContactGateBuilder UseLedger(Func<IServiceProvider, IContactLedger> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<IContactLedger>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>An in-memory ledger: for tests and single-process demos (contacts are lost on exit).</summary>
    public ContactGateBuilder UseInMemoryLedger() => UseLedger(_ => new InMemoryContactLedger());
}

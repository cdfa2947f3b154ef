namespace SmartMaintenance.Detection.Multivariate;

/// <summary>
/// One row's verdict: <see cref="Score"/> in [0, 1) (0.5 where the smoothed departure reaches the model's limits),
/// <see cref="Health"/> 0–100 (100 = exactly as in training, 50 at the limits, 0 at twice them), and whether the asset
/// is judged abnormal now.
/// </summary>
public readonly record struct AssetHealthVerdict(double Score, double Health, bool Abnormal, bool Judged);

/// <summary>
/// Asset health from all of an asset's sensors together, streaming: learns from its first <c>trainRows</c> rows (a
/// period known to be normal) and then judges every row from that model and the rows before it only. The departure is
/// the larger of T² and SPE against their limits, capped at four times them and smoothed over a few rows; the asset is abnormal once it stays past
/// the limit for <see cref="Persistence"/> rows, and normal again once it stays under it as long, so a sustained fault
/// stays flagged while it lasts and a single noisy row does not flag.
/// </summary>
/// <remarks>Not thread-safe: one instance per asset. O(sensors × components) time per row, no allocation once fitted.</remarks>
public sealed class AssetHealthDetector
{
    /// <summary>Rows past (or under) the limit before the verdict turns.</summary>
    public const int Persistence = 3;

    // The departure is smoothed over about four rows (an exponential weight of 0.25) before it is judged.
    private const double Smoothing = 0.25;
    private const double MaxDeparture = 4;

    private readonly int _trainRows;
    private readonly List<double[]> _training;
    private readonly int _sensors;
    private double[] _features = [];
    private double[] _z = [];
    private double[] _scores = [];
    private AssetHealthModel? _mode;
    private double _smoothed;
    private int _run;
    private bool _abnormal;

    public AssetHealthDetector(int sensors, int trainRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sensors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainRows, 3);
        _trainRows = trainRows;
        _training = new List<double[]>(trainRows);
        _sensors = sensors;
    }

    /// <summary>A detector that starts from a fitted model (restored from storage, say).</summary>
    public AssetHealthDetector(AssetHealthModel model)
        : this(model.Sensors, Math.Max(3, model.TrainingRows))
    {
        Use(model);
    }

    /// <summary>The fitted model, once the training rows have been seen.</summary>
    public AssetHealthModel? Model { get; private set; }

    /// <summary>Training rows seen so far (all of them once the model is fitted).</summary>
    public int RowsLearned => Model?.TrainingRows ?? _training.Count;

    /// <summary>
    /// Learns or judges one row (one value per sensor, NaN = missing). Until the model is fitted the row is kept for
    /// training and the verdict is not judged.
    /// </summary>
    public AssetHealthVerdict Update(ReadOnlySpan<double> values)
    {
        if (values.Length != _sensors)
        {
            throw new ArgumentException($"Expected {_sensors} values, got {values.Length}.", nameof(values));
        }

        if (Model is null)
        {
            _training.Add(values.ToArray());
            if (_training.Count == _trainRows)
            {
                Use(AssetHealthModel.Fit(_training));
                _training.Clear();
            }

            return new AssetHealthVerdict(0, 100, false, false);
        }

        var mode = _mode = Model.ModeOf(Model.Expand(values, _features));
        mode.Standardize(_features, _z);
        var (t2, spe) = mode.Statistics(_z, _scores);
        var departure = Math.Max(t2 / mode.T2Limit, spe / mode.SpeLimit);
        // Capped before smoothing, so one wild row can lift the smoothed departure to the limit but not hold it there.
        _smoothed += Smoothing * (Math.Min(departure, MaxDeparture) - _smoothed);
        var past = _smoothed > 1;
        _run = past != _abnormal ? _run + 1 : 0;
        if (_run >= Persistence)
        {
            _abnormal = past;
            _run = 0;
        }

        return new AssetHealthVerdict(_smoothed / (1 + _smoothed), 100 * Math.Max(0, 1 - (_smoothed / 2)), _abnormal, true);
    }

    private void Use(AssetHealthModel model)
    {
        Model = model;
        _features = new double[model.Features];
        _z = new double[model.Features];
        _scores = new double[model.Modes?.Max(m => m.Eigenvalues.Length) is { } most ? Math.Max(most, model.Eigenvalues.Length) : model.Eigenvalues.Length];
        _mode = model;
    }

    /// <summary>Each sensor's share of the latest judged row's departure (fractions summing to 1; see <see cref="AssetHealthModel.Contributions"/>).</summary>
    public void Contributions(Span<double> into)
    {
        if (Model is null)
        {
            into.Clear();
            return;
        }

        (_mode ?? Model).Contributions(_z, _scores, into);
    }
}

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
/// the larger of two, each smoothed over about four rows and each row's part capped at four limits: the sensors'
/// residuals (<see cref="SensorResiduals"/>, the largest against its limit) and T² against its limit. The asset is
/// abnormal once the departure stays past 1 for <see cref="Persistence"/> rows, and normal again once it stays under
/// it as long, so a sustained fault stays flagged while it lasts and a single noisy row does not flag.
/// </summary>
/// <remarks>Not thread-safe: one instance per asset. O(sensors × (sensors + components)) time per row, no allocation once fitted.</remarks>
public sealed class AssetHealthDetector
{
    /// <summary>Rows past (or under) the limit before the verdict turns.</summary>
    public const int Persistence = 3;

    private const double MaxDeparture = SensorResiduals.MaxResidual;

    private readonly int _trainRows;
    private readonly List<double[]> _training;
    private readonly int _sensors;
    private double[] _features = [];
    private double[] _z = [];
    private double[] _scores = [];
    private double[] _averages = [];
    private double[] _explained = [];
    private AssetHealthModel? _mode;
    private double _t2;
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
        // Capped before smoothing, so one wild row can lift the smoothed departure to the limit but not hold it there.
        _t2 += SensorResiduals.Smoothing * (Math.Min(mode.T2(_z, _scores) / mode.T2Limit, MaxDeparture) - _t2);
        var departure = Math.Max(_t2, Model.ResidualsOf(mode)?.Update(_features, _averages, _explained) ?? 0);
        var past = departure > 1;
        _run = past != _abnormal ? _run + 1 : 0;
        if (_run >= Persistence)
        {
            _abnormal = past;
            _run = 0;
        }

        return new AssetHealthVerdict(departure / (1 + departure), 100 * Math.Max(0, 1 - (departure / 2)), _abnormal, true);
    }

    private void Use(AssetHealthModel model)
    {
        Model = model;
        _features = new double[model.Features];
        _z = new double[model.Features];
        _averages = new double[model.Sensors];
        _explained = new double[model.Sensors];
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

        var mode = _mode ?? Model;
        mode.Contributions(_z, _scores, _explained, Model.ResidualsOf(mode)?.Limit ?? 1, into);
    }
}

"""The AutoML bench's peers (bench/automl.ts): six scikit-learn / XGBoost models with their default
settings on the same training rows, scored on the same held-out test rows; the best is picked in
hindsight on the test rows. Also writes the split: train.csv (uploaded to Treino) and test.json
(the test rows as records, for /predict).

usage: automl_peers.py <csv> <target> <out dir> [--drop col,col]
"""
import json, sys, time, warnings
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from xgboost import XGBClassifier

warnings.filterwarnings("ignore")
csv, target, out = sys.argv[1], sys.argv[2], sys.argv[3]
drop = sys.argv[5].split(",") if len(sys.argv) > 5 and sys.argv[4] == "--drop" else []
df = pd.read_csv(csv, keep_default_na=True)
df = df[df[target].notna()]
train, test = train_test_split(df, test_size=0.25, random_state=0, stratify=df[target])
train.to_csv(f"{out}/train.csv", index=False)
X_cols = [c for c in df.columns if c != target and c not in drop]
test_records = json.loads(test[X_cols].to_json(orient="records"))
with open(f"{out}/test.json", "w") as f:
    json.dump({"rows": test_records, "labels": [str(v) for v in test[target]]}, f)

num = [c for c in X_cols if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
cat = [c for c in X_cols if c not in num]
pre = ColumnTransformer(
    [
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), cat),
    ],
    sparse_threshold=0,
)
enc = LabelEncoder().fit(df[target].astype(str))
y_train = enc.transform(train[target].astype(str))
y_test = enc.transform(test[target].astype(str))
Xtr = pre.fit_transform(train[X_cols].astype({c: str for c in cat}))
Xte = pre.transform(test[X_cols].astype({c: str for c in cat}))
models = {
    "LogisticRegression": LogisticRegression(),
    "SVC (rbf)": SVC(),
    "RandomForest": RandomForestClassifier(random_state=0),
    "MLP": MLPClassifier(random_state=0),
    "HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
    "XGBoost": XGBClassifier(random_state=0, n_jobs=1),
}
scores, seconds = {}, {}
for name, m in models.items():
    t = time.perf_counter()
    m.fit(Xtr, y_train)
    seconds[name] = round(time.perf_counter() - t, 3)
    scores[name] = float(np.mean(m.predict(Xte) == y_test))
best = max(scores, key=scores.get)
print(json.dumps({"rows": {"train": len(train), "test": len(test)}, "accuracy": scores, "fitSeconds": seconds, "best": best, "bestAccuracy": scores[best]}))

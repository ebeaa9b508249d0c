"""Short headlines to word indices and bag-of-words rows with the Keras 2 Tokenizer."""

import numpy as np
from keras.preprocessing.sequence import pad_sequences
from keras.preprocessing.text import Tokenizer, text_to_word_sequence
from tensorflow import keras

headlines = [
    "Stocks rally as markets cheer the rate cut",
    "Local team wins the cup after a late goal",
    "Markets slide on fears of a slowdown",
    "Coach praises the team after the derby win",
    "Central bank holds the rate steady",
    "Striker scores twice as the team cruises",
] * 10
topics = np.array([0, 1, 0, 1, 0, 1] * 10)

print(text_to_word_sequence(headlines[0]))
tokenizer = Tokenizer(num_words=30, oov_token="<unk>")
tokenizer.fit_on_texts(headlines)
print("vocabulary size:", len(tokenizer.word_index))
sequences = tokenizer.texts_to_sequences(headlines)
padded = pad_sequences(sequences, maxlen=8, padding="post")
print("first padded headline:", padded[0])

bags = tokenizer.texts_to_matrix(headlines, mode="tfidf")
model = keras.Sequential(
    [
        keras.layers.Dense(16, activation="relu", input_shape=(30,)),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(bags, topics, epochs=3, batch_size=12, verbose=2)

counts = tokenizer.sequences_to_matrix(sequences[:2], mode="count")
print("word counts of the first two headlines:", counts.sum(axis=1))
